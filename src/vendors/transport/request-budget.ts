/**
 * The GraphQL request's own budgets, which every vendor call it makes shares: its time (the
 * transport sends no attempt, and waits for no retry, slot or rate-limit turn, past it) and its
 * vendor calls (each attempt takes one). Both are read from the request being served; outside a
 * request, or without a limit, there is no budget.
 */
import type { Source } from '../../domain/types';
import { currentRequest } from '../../platform/request-context';
import { VendorCallBudgetExceededError, VendorTimeoutError } from './errors';

/** Milliseconds left of the current request's time budget; Infinity outside a request or without one. */
export function requestTimeLeft(): number {
  const deadlineAt = currentRequest()?.deadlineAt;
  return deadlineAt === undefined || deadlineAt === null ? Infinity : deadlineAt - Date.now();
}

/** Refuses a call (not sent) once the request's time budget is spent. */
export function refuseIfOutOfTime(source: Source, route: string): void {
  if (requestTimeLeft() <= 0)
    throw new VendorTimeoutError(source, `${route} was not sent: the request's time budget is spent`, {
      unsent: 'time-budget',
    });
}

/** Takes one call from the current request's vendor-call budget, or refuses it (the call is then not sent). */
export function takeVendorCall(source: Source, route: string): void {
  const scope = currentRequest();
  if (!scope || scope.vendorCallsLeft === null) return;
  if (scope.vendorCallsLeft <= 0) {
    throw new VendorCallBudgetExceededError(
      source,
      `${route} was not sent: this request has used all the vendor calls it may make`,
    );
  }
  scope.vendorCallsLeft -= 1;
}
