import type { BasicEndpoint } from '../kit/basic-auth';
import type { TransportSettings } from '../kit/module';
import type { CreateRules } from './contract';

/** How Engagement is talked to, and its tenant's rules, wherever it is. */
export interface EngagementTuning extends TransportSettings {
  pageSize: number;
  /** The tenant's rules: which country names mean the USA, and whether the mobile number is the reconciliation key. */
  rules: CreateRules;
}

/** The client's settings: its tuning and endpoint. The tenant rules are for validation, not the transport, so the client does not need them. */
export type EngagementSettings = Omit<EngagementTuning, 'rules'> & BasicEndpoint;
