import type { TransportSettings } from '../kit/module';
import type { RainMakerRules } from './contract';

/** How RainMaker is talked to, and its tenant's rules, wherever it is. */
export interface RainMakerTuning extends TransportSettings {
  region: string;
  service: string;
  apiVersion: string;
  /** The tenant's rules: reserved locales and the minimum password length. */
  rules: RainMakerRules;
}

/** Where RainMaker is and the AWS key pair its requests are signed with. */
export interface RainMakerEndpoint {
  baseUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The client's settings: its tuning and endpoint. The tenant rules are for validation, not the transport, so the client does not need them. */
export type RainMakerSettings = Omit<RainMakerTuning, 'rules'> & RainMakerEndpoint;
