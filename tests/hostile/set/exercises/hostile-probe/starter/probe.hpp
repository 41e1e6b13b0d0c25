#pragma once
inline int probe() { return 0; }
