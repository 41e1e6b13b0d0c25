#pragma once
// What both halves of the safe-counter suite agree on: how much real overlap
// a threaded lost-update check must witness before "no update was lost"
// proves anything. Below it the judge says inconclusive, never passed.

// Chunks of 64 operations during which another worker completed operations
// (over a hundred thousand operations side by side).
inline constexpr long kWantOverlap = 2000;
