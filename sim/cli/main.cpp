#include <cstdio>
int main() { std::puts("vrrpsim: not yet"); return 0; }
