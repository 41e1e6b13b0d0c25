#pragma once
/// Shell completion for bash and zsh, generated from the command table
/// (CLI11's tree of subcommands and options): what `gograde completion
/// bash|zsh` prints and what the install puts where each shell looks.

#include <CLI/CLI.hpp>
#include <string>

namespace gograde {

/// The completion script for `shell` ("bash" or "zsh"); empty for another.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace gograde
