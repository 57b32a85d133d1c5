/**
 * Plain GET and SET for values that never change under their key (a badge image keyed by the
 * badge's version): no fence is needed, since every copy of such a key is the same. Scripts, like
 * the record scripts, so that every Redis call of this project goes through one client seam.
 */
export const GET_VALUE = `return redis.call('GET', KEYS[1])`;

/** KEYS[1]: the key; ARGV[1]: the value; ARGV[2]: TTL in seconds. */
export const SET_VALUE = `return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])`;
