/*
 * The shared budget's two steps (src/store-budget.ts) as one Lua script, so that Redis runs each one atomically: no
 * other process reads or changes the budget between a step's read and its write. The TypeScript in store-budget.ts is
 * the readable statement of the same rules; the contract tests run both (test/store-contract.ts).
 *
 * KEYS[1]: the budget's hash; KEYS[2]: the tickets in flight (a sorted set, scored by when they were granted).
 * ARGV: 'take' or 'report', Plain's clock now, the probe's patience, how long an answer describing no window leaves
 * requests unpaced, how long an idle budget is kept, how long an unanswered ticket is kept; then, for 'report': the
 * ticket, the status, limit, remaining, reset and hold-until ('' when absent).
 * 'take' answers {1, ticket} or {0, wait in ms, 'reset' | 'hold' | 'news'}; 'report' answers 1.
 */
export const BUDGET_SCRIPT = `
local key = KEYS[1]
local flying = KEYS[2]
local now = tonumber(ARGV[2])
local patience = tonumber(ARGV[3])
local unpaced = tonumber(ARGV[4])
local f = redis.call('HMGET', key, 'seq', 'end', 'left', 'limit', 'probeAt', 'probeTicket', 'holdUntil', 'unpacedUntil')
local s = {
  seq = tonumber(f[1]) or 0, ['end'] = tonumber(f[2]) or 0, left = tonumber(f[3]) or 0, limit = tonumber(f[4]) or 0,
  probeAt = tonumber(f[5]) or 0, probeTicket = tonumber(f[6]) or 0, holdUntil = tonumber(f[7]) or 0,
  unpacedUntil = tonumber(f[8]) or 0
}
local function save()
  redis.call('HSET', key, 'seq', s.seq, 'end', s['end'], 'left', s.left, 'limit', s.limit, 'probeAt', s.probeAt,
    'probeTicket', s.probeTicket, 'holdUntil', s.holdUntil, 'unpacedUntil', s.unpacedUntil)
  redis.call('PEXPIRE', key, ARGV[5])
  redis.call('PEXPIRE', flying, ARGV[5])
end
local function grant()
  s.seq = s.seq + 1
  redis.call('ZADD', flying, now, s.seq)
  save()
  return {1, s.seq}
end
local function wait(ms, reason)
  save()
  return {0, math.ceil(ms), reason}
end

if ARGV[1] == 'take' then
  redis.call('ZREMRANGEBYSCORE', flying, '-inf', '(' .. (now - tonumber(ARGV[6])))
  if now < s.holdUntil then return wait(s.holdUntil - now, 'hold') end
  if s['end'] > 0 and now >= s['end'] then
    s['end'] = 0
    s.left = 0
    s.probeAt = 0
  end
  if s['end'] == 0 then
    if now < s.unpacedUntil then return grant() end
    if s.probeAt > 0 and now < s.probeAt + patience then return wait(s.probeAt + patience - now, 'news') end
    s.probeAt = now
    s.probeTicket = s.seq + 1
    return grant()
  end
  if s.left <= 0 then return wait(s['end'] - now, 'reset') end
  s.left = s.left - 1
  return grant()
end

local ticket = tonumber(ARGV[7])
local status = tonumber(ARGV[8])
local limit = tonumber(ARGV[9])
local remaining = tonumber(ARGV[10])
local reset = tonumber(ARGV[11])
local hold = tonumber(ARGV[12])
if limit then s.limit = limit end
redis.call('ZREM', flying, ARGV[7])
if not status then
  if ticket == s.probeTicket then s.probeAt = 0 end
  save()
  return 1
end
local reported = remaining
if status == 429 then reported = 0 end
if reset then
  s.unpacedUntil = 0
  if reset > s['end'] and reset > now then
    local base = reported
    if not base then
      if s.limit > 0 then base = s.limit else base = 1e9 end
    end
    s['end'] = reset
    s.left = base - redis.call('ZCARD', flying)
    s.probeAt = 0
  elseif reset == s['end'] and reported then
    local grantedAfter = 0
    for _, other in ipairs(redis.call('ZRANGE', flying, 0, -1)) do
      if tonumber(other) > ticket then grantedAfter = grantedAfter + 1 end
    end
    s.left = math.min(s.left, reported - grantedAfter)
  end
elseif status == 429 then
  s.holdUntil = math.max(s.holdUntil, hold or now)
  s.probeAt = 0
elseif s['end'] == 0 then
  s.unpacedUntil = now + unpaced
  s.probeAt = 0
end
save()
return 1
`;
