#include "engine/judge.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <string.h>

#include <algorithm>
#include <functional>

namespace gograde {

namespace {

using evidence_fn = std::function<judgement(const run_facts&)>;

struct rule {
  const char* name;
  bool (*applies)(const run_facts&);
  evidence_fn decide;
};

bool clean_exit(const run_facts& f) { return !f.timed_out && f.term_signal == 0; }

judgement say(verdict v, std::string evidence) { return {v, std::move(evidence)}; }

// The first test a gox run ended badly in, by precedence: deadlock, leak, panic.
std::pair<std::size_t, verdict> gox_end(const run_facts& f) {
  for (const auto& [kind, v] : {std::pair{"deadlock", verdict::deadlock}, std::pair{"leak", verdict::leak},
                                std::pair{"panic", verdict::crash}})
    for (std::size_t k = 0; k < f.tests.size(); ++k)
      if (f.tests[k].kind == kind) return {k, v};
  return {judgement::npos, verdict::passed};
}

// Tests the driver finished (the judge also lists those it never reported).
std::size_t finished(const run_facts& f) {
  return static_cast<std::size_t>(
      std::count_if(f.tests.begin(), f.tests.end(), [](const test_outcome& t) { return t.kind != "missing"; }));
}

std::size_t first_failed(const run_facts& f) {
  for (std::size_t k = 0; k < f.tests.size(); ++k)
    if (!f.tests[k].passed && !f.tests[k].inconclusive) return k;
  return judgement::npos;
}

std::size_t first_inconclusive(const run_facts& f) {
  for (std::size_t k = 0; k < f.tests.size(); ++k)
    if (f.tests[k].inconclusive) return k;
  return judgement::npos;
}

const rule kRules[] = {
    {"judge failed", [](const run_facts& f) { return !f.judge_error.empty(); },
     [](const run_facts& f) { return say(verdict::internal_error, f.judge_error); }},
    {"forged records", [](const run_facts& f) { return f.forged > 0; },
     [](const run_facts& f) {
       return say(verdict::rejected,
                  fmt::format("{} line(s) on the grader's channel were not records of the test main: the "
                              "submission wrote to the channel",
                              f.forged));
     }},
    {"output flood", [](const run_facts& f) { return f.output_exceeded && f.races.empty(); },
     [](const run_facts& f) {
       return say(verdict::output_limit,
                  fmt::format("wrote more than {} KiB to stdout and stderr (the limit); stopped", f.limits.output_kb));
     }},
    {"file size", [](const run_facts& f) { return f.term_signal == SIGXFSZ; },
     [](const run_facts& f) {
       return say(verdict::output_limit,
                  fmt::format("a file it wrote grew beyond {} MiB (the limit); stopped", f.limits.file_size_mb));
     }},
    {"disk quota", [](const run_facts& f) { return f.disk_exceeded; },
     [](const run_facts& f) {
       return say(verdict::output_limit, fmt::format("wrote more than {} MiB of files to the host's disk (the "
                                                     "limit); stopped",
                                                     f.limits.file_size_mb * 4));
     }},
    {"memory", [](const run_facts& f) { return f.memory_exceeded && (!clean_exit(f) || !f.done); },
     [](const run_facts& f) {
       return say(verdict::memory_limit,
                  fmt::format("used more than {} MiB of memory (the limit, all its processes); stopped{}",
                              f.limits.memory_mb,
                              f.term_signal ? fmt::format(" by signal {}", f.term_signal) : ""));
     }},
    {"processes", [](const run_facts& f) { return f.pids_exceeded && (!clean_exit(f) || !f.done); },
     [](const run_facts& f) {
       return say(verdict::crash, fmt::format("reached the limit of {} processes and threads (fork or thread "
                                              "creation failed)",
                                              f.limits.processes));
     }},
    // A race report is evidence whatever the program did after it (hang,
    // run out of time): it comes before the time limits.
    {"race report", [](const run_facts& f) { return !f.races.empty(); },
     [](const run_facts& f) {
       // A data race is the verdict; another report (use after free, ...) is a crash.
       const auto it = std::find_if(f.races.begin(), f.races.end(),
                                    [](const race::report& r) { return r.kind == "data race"; });
       judgement j{it != f.races.end() ? verdict::data_race : verdict::crash, {}};
       j.race = it != f.races.end() ? static_cast<std::size_t>(it - f.races.begin()) : 0;
       return j;  // the evidence names the program's frames: the caller renders it
     }},
    {"no progress", [](const run_facts& f) { return f.stalled; },
     [](const run_facts& f) {
       return say(verdict::timeout,
                  fmt::format("made no progress for {} s: every thread asleep, stopped or blocked (a sleep that never "
                              "ends, a lock or a channel nobody will release, a stopped process); ended then, {} "
                              "test(s) had finished",
                              f.stall_limit.count() / 1000, finished(f)));
     }},
    // The machine, not the program, ran out of time: nothing is proven.
    {"busy machine", [](const run_facts& f) { return f.timed_out && f.busy; },
     [](const run_facts& f) {
       return say(verdict::inconclusive,
                  fmt::format("could not finish: the machine was too busy to run it (its threads waited {:.1f} s for "
                              "a CPU, more than its {} s limit allows), so this run says nothing about the program; "
                              "{} test(s) had finished (rerun on a quieter machine)",
                              static_cast<double>(f.waited_for_cpu.count()) / 1000.0, f.timeout.count() / 1000,
                              finished(f)));
     }},
    {"wall clock", [](const run_facts& f) { return f.timed_out; },
     [](const run_facts& f) {
       return say(verdict::timeout,
                  fmt::format("still running after {} s of running time{}; {} test(s) had finished",
                              f.timeout.count() / 1000,
                              f.waited_for_cpu.count() >= 100
                                  ? fmt::format(" (and {:.1f} s more waiting for a busy CPU)",
                                                static_cast<double>(f.waited_for_cpu.count()) / 1000.0)
                                  : "",
                              finished(f)));
     }},
    {"cpu time", [](const run_facts& f) { return f.cpu_exceeded; },
     [](const run_facts& f) {
       return say(verdict::timeout, fmt::format("used its {} s of CPU time (all threads); {} test(s) had finished",
                                                f.cpu_limit.count(), finished(f)));
     }},
    {"could not start", [](const run_facts& f) { return f.start_failed; },
     [](const run_facts& f) { return say(verdict::internal_error, f.start_error); }},
    {"exercise error", [](const run_facts& f) { return !f.internal.empty(); },
     [](const run_facts& f) {
       return say(verdict::internal_error, f.internal + " (an error in the exercise, not the submission's)");
     }},
    {"silenced race detector",
     [](const run_facts& f) {
       return f.fl == flavour::race && f.exit_code == kRaceExitCode && f.races.empty() && f.tsan_error.empty();
     },
     [](const run_facts&) {
       return say(verdict::rejected,
                  fmt::format("ThreadSanitizer ended the run with its report status ({}), but no report reached the "
                              "grader: the race detector's report channel was tampered with",
                              kRaceExitCode));
     }},
    {"race detector failed",
     [](const run_facts& f) {
       return f.fl == flavour::race && f.exit_code == kRaceExitCode && f.races.empty() && !f.tsan_error.empty();
     },
     [](const run_facts& f) { return say(verdict::crash, "ThreadSanitizer stopped the run: " + f.tsan_error); }},
    {"gox run ended badly", [](const run_facts& f) { return gox_end(f).first != judgement::npos; },
     [](const run_facts& f) {
       const auto [k, v] = gox_end(f);
       judgement j{v, "in \"" + f.tests[k].name + "\":\n" + f.tests[k].detail};
       j.test = k;
       return j;
     }},
    {"signal", [](const run_facts& f) { return f.term_signal != 0; },
     [](const run_facts& f) {
       return say(verdict::crash, fmt::format("killed by signal {} ({}) after {} test(s) had finished", f.term_signal,
                                              ::strsignal(f.term_signal), finished(f)));
     }},
    {"stopped early", [](const run_facts& f) { return !f.done; },
     [](const run_facts& f) {
       std::string e = fmt::format("the suite ended (exit status {}) before reporting every test; {} had finished",
                                   f.exit_code, finished(f));
       if (!f.tests.empty()) e += ", the last: \"" + f.tests.back().name + "\"";
       return say(verdict::crash, e);
     }},
    {"no test selected", [](const run_facts& f) { return f.tests.empty(); },
     [](const run_facts& f) {
       return say(verdict::internal_error,
                  "no test of the suite matches \"" + f.test_spec + "\" (an error in the exercise)");
     }},
    {"failed check", [](const run_facts& f) { return first_failed(f) != judgement::npos; },
     [](const run_facts& f) {
       const std::size_t k = first_failed(f);
       judgement j{verdict::failed, "\"" + f.tests[k].name + "\": " + f.tests[k].detail};
       j.test = k;
       return j;
     }},
    {"inconclusive test", [](const run_facts& f) { return first_inconclusive(f) != judgement::npos; },
     [](const run_facts& f) {
       const std::size_t k = first_inconclusive(f);
       judgement j{verdict::inconclusive, "\"" + f.tests[k].name + "\" could not conclude: " + f.tests[k].detail +
                                              " (no points either way; rerun, on a less busy machine)"};
       j.test = k;
       return j;
     }},
};

}  // namespace

judgement judge(const run_facts& f) {
  for (const auto& r : kRules)
    if (r.applies(f)) return r.decide(f);
  return {};
}

race_item_judgement race_item_run(verdict run, bool race_reported, bool all_tests_reported) {
  switch (run) {
    case verdict::failed:
    case verdict::deadlock:
    case verdict::leak:
    case verdict::timeout:
    case verdict::crash:
      break;
    default:  // passed, data_race, and what is not the program's behaviour
      return {run, {}};
  }
  if (race_reported) return {run, {}};  // a ThreadSanitizer report of another kind (a crash it found)
  if (all_tests_reported)
    return {verdict::passed,
            "no data race: ThreadSanitizer watched every test and reported nothing (the functional failure below "
            "is graded by the items about behaviour)"};
  return {verdict::inconclusive,
          "no data race seen, but the race build ended before every test had run, so nothing is proven either way "
          "(the failure below is graded by the items about behaviour; rerun once it is fixed)"};
}

}  // namespace gograde
