/*
 * Scope and audience lists (policy.hpp), compared with a plain set
 * implementation, and the RFC 6749 §3.3 scope grammar (is_scope).  The
 * input is cut at its first '\n' (or in the middle) into granted/aud and
 * required/accepted.  Also the cache arithmetic, positive_ttl and
 * stale_deadline, on three int64 values from the input.
 */

#include <cstring>
#include <limits>
#include <set>
#include <string>

#include "fuzz.hpp"
#include "policy.hpp"

using namespace api_auth;

/* the space-delimited tokens of a list (runs of spaces tolerated) */
static std::set<std::string_view>
tokens(std::string_view list)
{
    std::set<std::string_view>  t;
    size_t                      i = 0, start;

    while (i < list.size()) {
        for (start = i; i < list.size() && list[i] != ' '; i++) { /**/ }

        if (i > start) {
            t.insert(list.substr(start, i - start));
        }

        i++;
    }

    return t;
}


static void
lists(std::string_view a, std::string_view b)
{
    std::set<std::string_view>  ta = tokens(a), tb = tokens(b);
    bool                        subset = true, common = false;

    for (std::string_view t : tb) {
        subset = subset && ta.count(t) == 1;
        common = common || ta.count(t) == 1;
    }

    FUZZ_CHECK(scope_satisfies(a, b) == subset);
    FUZZ_CHECK(audience_matches(a, b) == common);
    FUZZ_CHECK(audience_matches(b, a) == common);

    /* is_scope: RFC 6749 §3.3, against a plain reading of the grammar */
    bool  grammar = !a.empty() && a.front() != ' ' && a.back() != ' '
                    && a.find("  ") == std::string_view::npos;

    for (unsigned char c : a) {
        grammar = grammar && (c == ' ' || c == 0x21
                              || (c >= 0x23 && c <= 0x5b)
                              || (c >= 0x5d && c <= 0x7e));
    }

    FUZZ_CHECK(is_scope(a) == grammar);

    /* properties the callers rely on directly */
    FUZZ_CHECK(scope_satisfies(a, a));
    FUZZ_CHECK(scope_satisfies(a, ""));
    FUZZ_CHECK(scope_satisfies(a, "  "));
    FUZZ_CHECK(!audience_matches("", b));
    FUZZ_CHECK(!audience_matches(a, ""));
}


static void
arithmetic(const uint8_t *data, size_t size)
{
    int64_t  v[3] = { 0, 0, 0 };
    int64_t  max = std::numeric_limits<int64_t>::max();

    std::memcpy(v, data, size < sizeof(v) ? size : sizeof(v));

    int64_t  now = v[0], exp = v[1], max_ttl = v[2];
    int64_t  ttl = positive_ttl(now, exp, max_ttl);

    FUZZ_CHECK(ttl >= 0 && ttl <= (max_ttl > 0 ? max_ttl : 0));
    FUZZ_CHECK(exp == 0 || exp > now || ttl == 0);
    FUZZ_CHECK(exp == 0 || exp <= now || now < 0 || ttl <= exp - now);

    /* expires, stale_if_error, exp */
    int64_t  d = stale_deadline(v[0], v[1], v[2]);
    int64_t  sie = v[1] > 0 ? v[1] : 0;

    FUZZ_CHECK(v[2] == 0 || d <= v[2]);
    FUZZ_CHECK(d <= (v[0] > max - sie ? max : v[0] + sie));
    FUZZ_CHECK(d == v[2] || d >= v[0]);
}


extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view  in = fuzz_input(data, size);
    size_t            cut = in.find('\n');

    if (cut == std::string_view::npos) {
        lists(in.substr(0, size / 2), in.substr(size / 2));

    } else {
        lists(in.substr(0, cut), in.substr(cut + 1));
    }

    arithmetic(data, size);

    return 0;
}
