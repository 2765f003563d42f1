// greylist: postgrey's greylisting (triplets, delay, retry window, auto-whitelist) on SQLite.
// Inputs: client IP, sender, recipient from check_greylist. Outputs: pass/greylist decisions.
// State survives restarts; purge() forgets old entries (the engine calls it daily).
// Trust: its own tables only.
export { Greylist, type GreylistConfig, type GreylistDecision } from './greylist';
export { clientNet, normalizeSender } from './normalize';
