import type { BasicEndpoint } from '../kit/basic-auth';
import type { TransportSettings } from '../kit/module';

/** How GreenArrow is talked to, wherever it is. */
export interface GreenArrowTuning extends TransportSettings {
  /** GreenArrow's fixed page size; the batch loader compares batch sizes against it. */
  pageSize: number;
}

/** The client's settings: its tuning and endpoint. */
export type GreenArrowSettings = GreenArrowTuning & BasicEndpoint;
