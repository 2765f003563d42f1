// The API method the Send form needs and the engine does not have yet. When it lands in
// engine/api/contract.ts, import these types from there instead and delete this file.
import type { HeaderField } from '../../../engine/api/contract';

export interface MessagesSendInput {
  /** Listener name from the config; the engine connects to that listener's own address and port. */
  listener: string;
  /** EHLO name the client uses (default "compose.relaylab.test"). */
  helo?: string;
  /** Envelope sender (MAIL FROM); '' for the null sender. */
  sender: string;
  /** Envelope recipients (RCPT TO), 1..100. */
  recipients: string[];
  /** The From header; default: the envelope sender. */
  from?: string;
  subject?: string;
  /** Plain-text body (the engine builds the MIME message: Date, Message-ID, MIME-Version added). */
  text: string;
  /** Extra header fields, in order (e.g. Reply-To, Sender, a fake Received for a lab). */
  headers?: HeaderField[];
  /** Use STARTTLS when the listener offers it (default true; implicit-TLS listeners always use TLS). */
  starttls?: boolean;
  /** SMTP AUTH (PLAIN) after TLS. */
  auth?: { user: string; password: string };
  /** XCLIENT before MAIL FROM: policy then judges the message as if it came from this client. */
  xclient?: { addr: string; name?: string; helo?: string; login?: string };
}

export interface MessagesSendOutput {
  /** The session the engine's client opened (its trace is a normal session: open it in Sessions). */
  sid: string;
  /** True when the server answered 250 to the end of DATA. */
  accepted: boolean;
  /** Queue id, when accepted. */
  id?: string;
  /** The last server reply (the refusal, when not accepted). */
  reply: string;
}
