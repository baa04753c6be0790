/*
 * fuzz_exchanges_rows.c — libFuzzer harness for the exchanges loader's
 * rows layout (io/exchanges.h), and for its date parser.
 */
#include "fuzz_exchanges.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int32_t days;
    if (exchanges_parse_date((const char *)data, size, &days) &&
        (days < -800000 || days > 3000000))
        __builtin_trap(); /* years 0000..9999 only */
    fuzz_exchanges(data, size, 0);
    return 0;
}
