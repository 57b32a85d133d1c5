/**
 * KEYS: the record keys asked for. ARGV[1], ARGV[2]: the badge-class and issuer key prefixes;
 * ARGV[3..]: definition keys the caller already holds. Returns the value (or nil) of each key,
 * then `key, value` pairs for the badge classes and issuers that the assertions found name and
 * the caller does not hold: a cold verification costs one round trip, a warm one reads only the
 * assertion. The followed keys are not declared in KEYS: fine on a single Redis (Upstash runs
 * scripts under a global lock unless `allow-key-locking` is set, which this script must not use).
 */
export const READ_RECORDS = `
local unpack = unpack or table.unpack
local skip = {}
for i = 3, #ARGV do skip[ARGV[i]] = true end
for i = 1, #KEYS do skip[KEYS[i]] = true end
local out = redis.call('MGET', unpack(KEYS))
local follow = {}
for i = 1, #KEYS do
  local value = out[i]
  -- type(): the embedded stand-in (fengari) hands nil replies over as a JS null, which Lua counts as true.
  if type(value) == 'string' then
    local badge, issuer = string.match(value, '^%d+|([^|]+)|([^|]+)|')
    if badge then
      for _, key in ipairs({ ARGV[1] .. badge, ARGV[2] .. issuer }) do
        if not skip[key] then
          skip[key] = true
          follow[#follow + 1] = key
        end
      end
    end
  end
end
if #follow > 0 then
  local values = redis.call('MGET', unpack(follow))
  for i = 1, #follow do
    out[#out + 1] = follow[i]
    out[#out + 1] = values[i]
  end
end
return out
`;
