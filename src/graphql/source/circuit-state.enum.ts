import { registerEnumType } from 'type-graphql';
import type { CircuitState } from '../../vendors/transport/observer';

/** A vendor's circuit breaker, as the transport keeps it (src/vendors/transport/circuit-breaker.ts). */
export const CircuitStateEnum: { [K in CircuitState]: K } = {
  CLOSED: 'CLOSED',
  OPEN: 'OPEN',
  HALF_OPEN: 'HALF_OPEN',
};
registerEnumType(CircuitStateEnum, {
  name: 'CircuitState',
  description: 'The state of the circuit breaker in front of one vendor.',
  valuesConfig: {
    CLOSED: { description: 'Calls go through; failures in a row are counted.' },
    OPEN: {
      description:
        'The vendor failed too many times in a row (5xx, timeouts, broken connections): calls fail at once with VENDOR_UNAVAILABLE, without reaching it, until the half-open delay has passed.',
    },
    HALF_OPEN: {
      description:
        'One trial call is testing the vendor; others still fail at once. Its success closes the breaker, its failure opens it again.',
    },
  },
});
