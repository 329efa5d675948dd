/*
 * api_auth core: the timing rules of a fetched JWT key set.
 */

#include "jwks_schedule.hpp"

namespace api_auth {

bool
jwks_schedule::usable(const jwks_times &t, int64_t now) const noexcept
{
    return loaded != 0 && now < loaded + t.refresh + t.stale_if_error;
}


bool
jwks_schedule::in_flight(int64_t now) const noexcept
{
    return fetching && now < fetch_until;
}


bool
jwks_schedule::refresh_due(const jwks_times &t, int64_t now) const noexcept
{
    return now >= loaded + t.refresh && now >= retry && !in_flight(now);
}


bool
jwks_schedule::may_refetch(const jwks_times &t, int64_t now) const noexcept
{
    return now >= attempt + t.min_refresh && now >= retry && !in_flight(now);
}


void
jwks_schedule::start(int64_t now, int64_t bound) noexcept
{
    fetching = true;
    attempt = now;
    fetch_until = now + bound;
}


void
jwks_schedule::record_success(int64_t now) noexcept
{
    fetching = false;
    loaded = now;
    failed = false;
    failures = 0;
    retry = 0;
}


void
jwks_schedule::record_failure(const jwks_times &t, int64_t now) noexcept
{
    int64_t  backoff;

    fetching = false;
    failed = true;
    backoff = int64_t{1} << (failures < 10 ? failures : 10);
    failures++;
    retry = now + (backoff < t.min_refresh ? backoff : t.min_refresh);
}

}  // namespace api_auth
