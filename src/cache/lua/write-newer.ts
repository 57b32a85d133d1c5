/**
 * The compare-and-set that fences every shared write. KEYS: record keys; ARGV[1]: TTL in
 * seconds; ARGV[1 + i]: the new value of KEYS[i], `version|...`. Each key is set only when it
 * holds nothing or an older version, so a read that began before a write (in any isolate, or on
 * a lagging replica) can never store its older record over the write's. Returns how many were set.
 */
export const WRITE_NEWER = `
local ttl = ARGV[1]
local stored = 0
for i = 1, #KEYS do
  local value = ARGV[i + 1]
  local version = tonumber(string.match(value, '^(%d+)|'))
  local current = redis.call('GET', KEYS[i])
  local currentVersion = type(current) == 'string' and tonumber(string.match(current, '^(%d+)|'))
  if version and (not currentVersion or currentVersion < version) then
    redis.call('SET', KEYS[i], value, 'EX', ttl)
    stored = stored + 1
  end
end
return stored
`;
