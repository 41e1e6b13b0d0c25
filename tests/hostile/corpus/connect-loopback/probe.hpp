#pragma once
// hostile case: connecting to a listener the test opened on 127.0.0.1
// expected verdict: passed
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
inline int probe() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(@PORT@);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int r = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  close(s);
  return r == 0 ? 1 : 0;
}
