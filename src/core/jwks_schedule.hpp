/*
 * api_auth core: when a fetched JWT key set (api_auth_jwks) may be used,
 * must be refreshed, and may be fetched again (SPEC.md "JWT access
 * tokens", "Keys").  Times are whole seconds (the caller's clock).
 *
 *   usable       a set was loaded and is not stale past stale_if_error
 *                after its refresh time;
 *   refresh_due  its refresh time passed, no fetch is in flight and no
 *                back-off holds: the next request fetches;
 *   may_refetch  an unknown kid may fetch again: min_refresh passed since
 *                the last fetch began, and no back-off holds;
 *   a failed fetch backs off 1 s, doubling, at most min_refresh.
 */

#ifndef API_AUTH_CORE_JWKS_SCHEDULE_HPP
#define API_AUTH_CORE_JWKS_SCHEDULE_HPP

#include <cstdint>

namespace api_auth {

struct jwks_times {
    int64_t  refresh;
    int64_t  min_refresh;
    int64_t  stale_if_error;
};

struct jwks_schedule {
    int64_t   loaded = 0;           /* when the set was loaded; 0: never */
    int64_t   attempt = 0;          /* when the last fetch began */
    int64_t   retry = 0;            /* no fetch before (back-off) */
    int64_t   fetch_until = 0;      /* a fetch in flight counts until */
    unsigned  failures = 0;         /* in a row */
    bool      failed = false;       /* the last fetch failed */
    bool      fetching = false;

    [[nodiscard]] bool usable(const jwks_times &t, int64_t now)
        const noexcept;
    [[nodiscard]] bool in_flight(int64_t now) const noexcept;
    [[nodiscard]] bool refresh_due(const jwks_times &t, int64_t now)
        const noexcept;
    [[nodiscard]] bool may_refetch(const jwks_times &t, int64_t now)
        const noexcept;

    void start(int64_t now, int64_t bound) noexcept;
    void record_success(int64_t now) noexcept;
    void record_failure(const jwks_times &t, int64_t now) noexcept;
};

}  // namespace api_auth

#endif
