#pragma once
// The fake service the bounded-fetch drivers fetch from, in virtual time. A
// URL says how it behaves: "name:ms" answers "body of name" after ms,
// "name:ms:fail" fails after ms, "...:stubborn" ignores cancellation. A
// fetch that honours its context returns ctx.Err() the instant it is
// cancelled. Records when each fetch started and ended and how many were in
// flight at most.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gograde/check.hpp"
#include "gox/chan.hpp"
#include "gox/context.hpp"
#include "gox/error.hpp"
#include "gox/sync.hpp"
#include "gox/time.hpp"

inline const gox::error kServiceFailed = gox::errors::New("503 from the service");

struct service {
  gox::Mutex mu;
  gox::time::Time t0 = gox::time::Now();
  int in_flight = 0, max_in_flight = 0;
  std::map<std::string, long> started, ended;
  int still_in_flight() {
    std::lock_guard g(mu);
    return in_flight;
  }
};

struct spec {
  std::string name;
  long ms = 0;
  bool fails = false, stubborn = false;
};

inline spec parse(const std::string& url) {
  spec s;
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at; (at = url.find(':', from)) != std::string::npos; from = at + 1) parts.push_back(url.substr(from, at - from));
  parts.push_back(url.substr(from));
  s.name = parts.at(0);
  s.ms = std::stol(parts.at(1));
  for (std::size_t i = 2; i < parts.size(); ++i) {
    s.fails |= parts[i] == "fail";
    s.stubborn |= parts[i] == "stubborn";
  }
  return s;
}

// The fetch function handed to FetchAll (owning the service: a wrong answer
// may call it after the test).
inline auto fetcher(std::shared_ptr<service> svc) {
  return [svc](gox::context::Context ctx, const std::string& url) -> std::pair<std::string, gox::error> {
    const spec s = parse(url);
    {
      std::lock_guard g(svc->mu);
      svc->started[s.name] = gograde::check::ms_since(svc->t0);
      if (++svc->in_flight > svc->max_in_flight) svc->max_in_flight = svc->in_flight;
    }
    gox::error err = s.fails ? kServiceFailed : gox::error();
    if (s.stubborn) {
      gox::time::Sleep(gox::time::Millisecond * s.ms);
    } else {
      gox::time::Timer t = gox::time::NewTimer(gox::time::Millisecond * s.ms);
      gox::select(gox::recv_case(t.C, [](gox::time::Time) {}), gox::recv_case(ctx.Done(), [&](gox::context::empty) {
                    err = ctx.Err();
                  }));
      t.Stop();
    }
    std::lock_guard g(svc->mu);
    svc->ended[s.name] = gograde::check::ms_since(svc->t0);
    --svc->in_flight;
    return {err ? std::string() : "body of " + s.name, err};
  };
}

inline std::string describe(const gox::error& err) {
  if (!err) return "";
  if (gox::errors::Is(err, kServiceFailed)) return "the service's 503";
  if (gox::errors::Is(err, gox::context::DeadlineExceeded)) return "the parent's deadline";
  if (gox::errors::Is(err, gox::context::Canceled)) return "cancelled";
  return "another error: " + err.Error();
}
