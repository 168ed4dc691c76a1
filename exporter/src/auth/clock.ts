/**
 * Milliseconds since the epoch. Sessions, access tokens and the login limits read time only
 * through a Clock, so tests can move it hours ahead without sleeping.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
