/*
 * api_auth core: RFC 3339 dates of the key file's not_after option.
 *
 * Only the UTC form ("Z") is accepted, computed without timegm() or the
 * locale, so that the result does not depend on the process environment.
 */

#include <cstdint>
#include <string_view>

#include "keyfile.hpp"

namespace api_auth {

/* H. Hinnant's days_from_civil, for years >= 0: days since 1970-01-01 */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d) noexcept
{
    y -= m <= 2;

    int64_t  era = y / 400;
    int64_t  yoe = y - era * 400;
    int64_t  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;

    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}


bool
parse_rfc3339_utc(std::string_view s, int64_t &out) noexcept
{
    static constexpr std::string_view  form = "0000-00-00T00:00:00";
    static constexpr int               mdays[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    int64_t  f[6] = { 0, 0, 0, 0, 0, 0 };   /* Y M D h m s */
    size_t   i, n;

    /* RFC 3339 §5.6 date-time; the NOTE in §5.6 allows "t" and "z" */
    for (i = 0, n = 0; i < form.size(); i++) {
        char  c = i < s.size() ? s[i] : '\0';

        if (form[i] != '0') {
            if (c != form[i] && !(form[i] == 'T' && c == 't')) {
                return false;
            }

            n++;

        } else if (c >= '0' && c <= '9') {
            f[n] = f[n] * 10 + (c - '0');

        } else {
            return false;
        }
    }

    /* time-secfrac: not_after needs whole seconds, truncate */
    if (i < s.size() && s[i] == '.') {
        n = ++i;
        i = std::min(s.find_first_not_of("0123456789", n), s.size());

        if (i == n) {
            return false;
        }
    }

    /* UTC only: numeric offsets, even +00:00, are not accepted */
    if (i + 1 != s.size() || (s[i] != 'Z' && s[i] != 'z')) {
        return false;
    }

    bool     leap = f[0] % 4 == 0 && (f[0] % 100 != 0 || f[0] % 400 == 0);
    int64_t  dim = (f[1] == 2 && leap) ? 29 : mdays[(f[1] + 11) % 12];

    /* §5.7: second 60 is a leap second, which only ends a UTC day */
    if (f[0] < 1970 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > dim
        || f[3] > 23 || f[4] > 59 || f[5] > 60
        || (f[5] == 60 && (f[3] != 23 || f[4] != 59)))
    {
        return false;
    }

    out = days_from_civil(f[0], f[1], f[2]) * 86400
          + f[3] * 3600 + f[4] * 60 + f[5];

    return true;
}

}  // namespace api_auth
