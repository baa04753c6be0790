/*
 * fuzz_exchanges_movements.c — libFuzzer harness for the exchanges
 * loader's movements layout (io/exchanges.h): the movements file, a line
 * "--members--", then the members file.
 */
#include "fuzz_exchanges.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_exchanges(data, size, 1);
    return 0;
}
