#pragma once
// Reference: a map of calls in flight under one mutex; the first caller of a
// key runs fn outside the lock, the others wait on the call's WaitGroup.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "gox/chan.hpp"
#include "gox/error.hpp"
#include "gox/runtime.hpp"
#include "gox/sync.hpp"

struct Result {
  std::string val;
  gox::error err;
  bool shared = false;
};

class Group {
 public:
  Result Do(const std::string& key, const std::function<std::pair<std::string, gox::error>()>& fn) {
    std::unique_lock lk(mu_);
    if (auto it = calls_.find(key); it != calls_.end()) {
      std::shared_ptr<call> c = it->second;
      ++c->dups;
      lk.unlock();
      c->wg.Wait();
      return {c->val, c->err, true};
    }
    auto c = std::make_shared<call>();
    c->wg.Add(1);
    calls_[key] = c;
    lk.unlock();

    auto [v, err] = fn();
    c->val = std::move(v);
    c->err = err;
    c->wg.Done();
    // "Tell a metrics listener the call ended": nobody listens, the fiber waits forever.
    gox::go([done = done_] { done.send(1); }, "notifier");

    lk.lock();
    calls_.erase(key);
    const bool shared = c->dups > 0;
    lk.unlock();
    return {c->val, c->err, shared};
  }

 private:
  struct call {
    gox::WaitGroup wg;
    std::string val;
    gox::error err;
    int dups = 0;
  };
  gox::Mutex mu_;
  gox::chan<int> done_ = gox::make_chan<int>();
  std::map<std::string, std::shared_ptr<call>> calls_;
};
