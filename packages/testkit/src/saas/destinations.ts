/**
 * Relay destinations for the local SaaS servers, one per server given, each named by its type, configured
 * the way a tenant configures the real service (credentials included).
 */
import type { JiraFake } from './jira.ts';
import type { PagerDutyFake } from './pagerduty.ts';
import type { ServiceNowFake } from './servicenow.ts';
import type { SlackFake } from './slack.ts';
import type { SmtpFake } from './smtp.ts';
import type { TeamsFake } from './teams.ts';

export interface SaasFakes {
  slack?: SlackFake;
  teams?: TeamsFake;
  jira?: JiraFake;
  servicenow?: ServiceNowFake;
  pagerduty?: PagerDutyFake;
  smtp?: SmtpFake;
}

export function fakeDestinations(fakes: SaasFakes): Record<string, Record<string, unknown>> {
  const { slack, teams, jira, servicenow, pagerduty, smtp } = fakes;
  return {
    ...(slack && {
      slack: { type: 'slack', settings: { api_url: slack.apiUrl }, credentials: { token: slack.token } },
    }),
    ...(teams && { teams: { type: 'teams', settings: {}, credentials: { webhook_url: teams.webhookUrl } } }),
    ...(jira && {
      jira: {
        type: 'jira',
        settings: { base_url: jira.url, email: jira.email, project: 'SEC' },
        credentials: { api_token: jira.token },
      },
    }),
    ...(servicenow && {
      servicenow: {
        type: 'servicenow',
        settings: { instance_url: servicenow.url, username: servicenow.username },
        credentials: { password: servicenow.password },
      },
    }),
    ...(pagerduty && {
      pagerduty: {
        type: 'pagerduty',
        settings: { events_url: pagerduty.eventsUrl },
        credentials: { routing_key: pagerduty.routingKey },
      },
    }),
    ...(smtp && {
      email: {
        type: 'email',
        settings: {
          host: smtp.host,
          port: smtp.port,
          allow_plaintext: true,
          from: 'riskloop@example.com',
          username: smtp.username,
        },
        credentials: { password: smtp.password },
      },
    }),
  };
}
