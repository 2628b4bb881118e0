/**
 * Email over SMTP (nodemailer). The mail host is checked by the SSRF guard and the connection goes to the
 * checked address (TLS still verifies the host name). STARTTLS is required unless the destination allows
 * plaintext. The Message-ID derives from the idempotency key, so a receiver can drop a repeat.
 * SMTP 4xx answers and network errors are retried; 5xx fail the step.
 */
import { EmailStep } from '@riskloop/contracts';
import { RiskloopError } from '@riskloop/kit';
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { OpenDestination } from '../relay-config.ts';
import { attachmentsOf, parseInput, type Connector, type ConnectorContext } from './context.ts';

export interface Mail {
  to: string[];
  cc?: string[] | undefined;
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[] | undefined;
}

interface SmtpError extends Error {
  responseCode?: number;
  code?: string;
}

export async function sendEmail(
  destination: OpenDestination,
  mail: Mail,
  context: ConnectorContext,
  part = '',
): Promise<{ messageId: string; accepted: string[]; rejected: string[] }> {
  if (destination.config.type !== 'email') throw new Error('not an email destination');
  const settings = destination.config.settings;
  const target = await context.policy.checkHost(settings.host, settings.port);
  const password = destination.credentials.password;
  const messageId = `<${createHash('sha256').update(`${context.exec.idempotencyKey}${part}`).digest('hex').slice(0, 32)}@riskloop>`;
  const transport = createTransport({
    host: target.address,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure && !settings.allow_plaintext,
    ignoreTLS: settings.allow_plaintext && !settings.secure,
    tls: { servername: settings.host },
    ...(settings.username && password ? { auth: { user: settings.username, pass: password } } : {}),
    connectionTimeout: context.exec.timeoutMs,
    greetingTimeout: context.exec.timeoutMs,
    socketTimeout: context.exec.timeoutMs,
  });
  try {
    return await context.call(destination.name, async () => {
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: mail.to,
          ...(mail.cc ? { cc: mail.cc } : {}),
          subject: mail.subject,
          text: mail.text,
          ...(mail.attachments?.length ? { attachments: mail.attachments } : {}),
          messageId,
          headers: { 'x-riskloop-run': context.exec.runId },
        });
        return {
          messageId: info.messageId,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
        };
      } catch (error) {
        const smtp = error as SmtpError;
        if (smtp.responseCode !== undefined) {
          throw new RiskloopError(`smtp_${smtp.responseCode}`, `the mail server refused: ${smtp.message}`, {
            retryable: smtp.responseCode < 500,
          });
        }
        throw error;
      }
    });
  } finally {
    transport.close();
  }
}

const Input = EmailStep.shape.email;

export const email: Connector = async (raw, context) => {
  const input = parseInput(Input, raw);
  const destination = (await context.store.open(context.tenant, context.config, 'email', input.destination))!;
  context.usedDestination(destination.name);
  const files = await attachmentsOf(context, input.attachments);
  const attachments = files.map((f) => ({ filename: f.name, content: f.content, contentType: f.mediaType }));
  const sent = await sendEmail(
    destination,
    { to: input.to, cc: input.cc, subject: input.subject, text: input.body, attachments },
    context,
  );
  return {
    ...sent,
    ...(files.length ? { attachments: files.map((f) => ({ name: f.name, sha256: f.sha256 })) } : {}),
  };
};
