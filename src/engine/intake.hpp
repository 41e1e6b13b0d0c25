#pragma once
/// Reading a submission's files: as data, never as paths to follow.
///
/// Only regular files with one name are read, each opened relative to the
/// submission's directory without following a link (O_NOFOLLOW, and the
/// opened file checked to be the one looked at), without blocking (a FIFO
/// cannot stall the grader), and up to a size limit. A file that is a
/// symbolic link (to anything: /etc/shadow, the reference solution, a file
/// beside it), a hard link, a directory, a FIFO, a socket or a device, or is
/// too large, is *refused*: the grade says `rejected` and names it. Nothing
/// outside the submission is ever opened on its behalf.

#include <filesystem>
#include <string>
#include <vector>

#include "engine/exercise.hpp"

namespace gograde {

struct submitted_file {
  std::string name;   ///< as the exercise names it (a plain file name)
  std::string bytes;  ///< its content, read once
};

struct submission_files {
  std::vector<submitted_file> files;  ///< candidate files, then optional files present
  std::string missing;                ///< candidate files absent, comma-separated
  std::vector<std::string> refused;   ///< "probe.hpp: a symbolic link (to /etc/shadow)", ...
  /// Whether `name` was read.
  bool has(const std::string& name) const;
};

/// The exercise's files of `submission` (a directory, or one candidate
/// file). Throws config_error when `submission` does not exist, is not a file
/// of the exercise, or holds none of its candidate files ("no counter.hpp in
/// DIR"): a wrong or empty directory is refused up front, never graded.
submission_files read_submission(const exercise& ex, const fs::path& submission);

}  // namespace gograde
