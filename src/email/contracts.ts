// Shapes shared by the sendEmail workflow and its activities. Workflow code imports this module,
// so it must stay free of Node APIs and I/O.

export interface SendEmailInput {
  to: string;
  template: string;
  params: Record<string, unknown>;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Only runs started before rendering moved into delivery pass the rendered e-mail along. */
export interface DeliverEmailInput {
  to: string;
  email: RenderedEmail;
}

export interface EmailDelivery {
  messageId: string;
  accepted: string[];
  /** The server's final reply, e.g. "250 OK: queued". */
  response: string;
  /** True when an earlier attempt had already delivered it: nothing was sent this time. */
  alreadyDelivered?: boolean;
}

export interface SendEmailResult extends EmailDelivery {
  to: string;
  template: string;
}

export interface EmailActivities {
  /** Kept for runs started before delivery rendered by itself. */
  renderEmail(input: SendEmailInput): Promise<RenderedEmail>;
  /**
   * Given the job's request, renders it here, so the rendered body never enters history (runs
   * started before that pass the rendered e-mail instead).
   */
  deliverEmail(input: SendEmailInput | DeliverEmailInput): Promise<EmailDelivery>;
}
