/*
 * Shared helpers of the libFuzzer targets for src/core (fuzz/run.sh).
 *
 * A property that does not hold aborts, which libFuzzer reports as a
 * crash and saves the input, like a sanitizer report.
 */

#ifndef API_AUTH_FUZZ_HPP
#define API_AUTH_FUZZ_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            std::fprintf(stderr, "%s:%d: property failed: %s\n",            \
                         __FILE__, __LINE__, #cond);                         \
            std::abort();                                                    \
        }                                                                    \
    } while (0)

/* the fuzzer's bytes as a view */
static inline std::string_view
fuzz_input(const uint8_t *data, size_t size)
{
    return std::string_view(reinterpret_cast<const char *>(data), size);
}

/* sub lies inside whole (results are views into the input) */
static inline bool
fuzz_inside(std::string_view sub, std::string_view whole)
{
    return sub.empty()
           || (sub.data() >= whole.data()
               && sub.data() + sub.size() <= whole.data() + whole.size());
}

#endif
