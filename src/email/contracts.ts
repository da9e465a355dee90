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

export interface DeliverEmailInput {
  to: string;
  email: RenderedEmail;
}

export interface EmailDelivery {
  messageId: string;
  accepted: string[];
  /** The server's final reply, e.g. "250 OK: queued". */
  response: string;
}

export interface SendEmailResult extends EmailDelivery {
  to: string;
  template: string;
}

export interface EmailActivities {
  renderEmail(input: SendEmailInput): Promise<RenderedEmail>;
  deliverEmail(input: DeliverEmailInput): Promise<EmailDelivery>;
}
