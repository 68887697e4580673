/**
 * rate-limiter-flexible's classes the gateway uses, each from its own module: the package's index
 * loads the limiter of every store it supports (about 36 modules), while the in-memory limiter
 * needs 5, and the Redis one (loaded only with REDIS_URL) 4 more. The package declares types for
 * its index only and has no "exports" map, so these paths are its own files, typed here as the
 * index types them.
 */
declare module 'rate-limiter-flexible/lib/RateLimiterMemory' {
  import { RateLimiterMemory } from 'rate-limiter-flexible';
  export = RateLimiterMemory;
}

declare module 'rate-limiter-flexible/lib/RateLimiterRedis' {
  import { RateLimiterRedis } from 'rate-limiter-flexible';
  export = RateLimiterRedis;
}

declare module 'rate-limiter-flexible/lib/RateLimiterRes' {
  import { RateLimiterRes } from 'rate-limiter-flexible';
  export = RateLimiterRes;
}
