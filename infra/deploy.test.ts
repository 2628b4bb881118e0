/**
 * The deployable infrastructure, checked offline (no container engine or cluster here): the image, the
 * compose file, the NATS cluster config and the Kubernetes manifests are valid for their formats, and
 * every service in services/ is deployed by each of them, so a new service without infra fails here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  composeProblems,
  dockerfileFacts,
  dockerfileProblems,
  kubernetesProblems,
  natsFacts,
} from './deploy-checks.ts';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const services = readdirSync(join(root, 'services')).filter((name) =>
  existsSync(join(root, 'services', name, 'src/main.ts')),
);
const workspaces = ['packages', 'services'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((name) => existsSync(join(root, dir, name, 'package.json')))
    .map((name) => `${dir}/${name}/package.json`),
);

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  ports?: string[];
  env_file?: string[];
  image?: string;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(read('infra/compose/compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  configs: Record<string, { file: string }>;
};

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}
const k8sDir = 'infra/k8s';
const manifestFiles = readdirSync(join(root, k8sDir)).filter(
  (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
);
const manifests = manifestFiles.flatMap((file) =>
  parseAllDocuments(read(join(k8sDir, file))).map((doc) => ({
    file,
    object: doc.toJS() as KubernetesObject,
  })),
);
const objectsOf = (kind: string) => manifests.map((m) => m.object).filter((o) => o.kind === kind);

test('the service list comes from services/ (sanity: the seven services)', () => {
  expect(services).toEqual(
    expect.arrayContaining([
      'gateway',
      'registry',
      'trigger-router',
      'runner',
      'relay',
      'kri-emitter',
      'interview',
    ]),
  );
});

describe('the image (infra/docker/Dockerfile)', () => {
  const facts = dockerfileFacts(read('infra/docker/Dockerfile'));

  test('is multi-stage, ends as a non-root user and has an entry point', () => {
    expect(dockerfileProblems(facts)).toEqual([]);
    expect(facts.stages).toEqual(['deps', 'runtime']);
    expect(facts.user).toBe('10001:10001');
  });

  test('installs dependencies from every workspace manifest and the lockfile', () => {
    expect(facts.copies('deps')).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', ...workspaces]),
    );
  });

  test('a Dockerfile that runs as root, or in one stage, is refused by the same check', () => {
    expect(dockerfileProblems(dockerfileFacts('FROM node:20\nUSER root\nENTRYPOINT ["node"]\n'))).toEqual([
      'not a multi-stage build',
      'the final stage runs as root',
    ]);
    // USER in a build stage does not count for the final one
    const problems = dockerfileProblems(
      dockerfileFacts('FROM node:20 AS a\nUSER 1000\nFROM node:20 AS b\nCMD x\n'),
    );
    expect(problems).toEqual(['the final stage sets no USER (it would run as root)', 'no ENTRYPOINT']);
  });

  test('the entry point starts any service by name and is executable; .dockerignore keeps node_modules out', () => {
    const entrypoint = 'infra/docker/entrypoint.sh';
    expect(statSync(join(root, entrypoint)).mode & 0o111).not.toBe(0);
    expect(read(entrypoint)).toContain('exec node --import tsx "services/$what/src/main.ts"');
    expect(read('.dockerignore').split('\n')).toEqual(
      expect.arrayContaining(['**/node_modules', '.git', '.env']),
    );
  });
});

describe('the compose file (infra/compose/compose.yaml)', () => {
  test('matches the Compose Specification schema', () => {
    expect(composeProblems(compose)).toEqual([]);
  });

  test('a broken compose file is refused by the same schema', () => {
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    broken.services.gateway!.ports = '8080:8080';
    broken.services.runner!.restart_policy = 'always';
    const problems = composeProblems(broken);
    expect(problems).toContain('/services/gateway/ports must be array');
    expect(problems).toContain('/services/runner must NOT have additional properties');
  });

  test.each(services)(
    'runs %s from the image, with the env file, a healthcheck and the replicated bus',
    (name) => {
      const service = compose.services[name];
      expect(service, `compose service ${name}`).toBeDefined();
      expect(service!.command).toEqual([name]);
      expect(service!.image).toMatch(/riskloop/);
      expect(service!.env_file).toEqual(['.env']);
      expect(service!.healthcheck?.test[0]).toBe('CMD');
      expect(service!.environment).toMatchObject({ NATS_STREAM_REPLICAS: '3', METRICS_PORT: '9464' });
      expect(service!.environment!.NATS_URL!.split(',')).toHaveLength(3);
      expect(service!.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        'nats-1': { condition: 'service_healthy' },
      });
    },
  );

  test('publishes the gateway, probes it on /healthz, and gives the interview Ollama', () => {
    expect(compose.services.gateway!.ports).toEqual(['${RISKLOOP_HTTP_PORT:-8080}:8080']);
    expect(compose.services.gateway!.healthcheck!.test.join(' ')).toContain('127.0.0.1:8080/healthz');
    expect(compose.services.interview!.environment!.OLLAMA_HOST).toBe('http://ollama:11434');
    expect(compose.services.ollama).toBeDefined();
  });

  test('PostgreSQL keeps fsync and synchronous commit on', () => {
    const command = compose.services.postgres!.command!.join(' ');
    expect(command).toContain('fsync=on');
    expect(command).toContain('synchronous_commit=on');
  });
});

describe('the NATS cluster (infra/compose/nats.conf)', () => {
  const facts = natsFacts(read(join('infra/compose', compose.configs.nats!.file)));

  test('three routes, one to each compose node, and fsync on every JetStream write', () => {
    expect(facts.routes).toEqual([
      'nats-route://nats-1:6222',
      'nats-route://nats-2:6222',
      'nats-route://nats-3:6222',
    ]);
    for (const route of facts.routes) expect(compose.services[new URL(route).hostname]).toBeDefined();
    expect(facts.syncInterval).toBe('always');
    expect(facts.clusterName).toBe('riskloop');
  });

  test('a config without routes or with the default sync interval is seen as such', () => {
    const facts = natsFacts(
      'jetstream {\n  # sync_interval: always\n  store_dir: /data\n}\ncluster { name: x }\n',
    );
    expect(facts).toEqual({ routes: [], syncInterval: undefined, clusterName: 'x' });
  });
});

describe('the Kubernetes manifests (infra/k8s)', () => {
  test.each(manifests.map((m) => [`${m.file}: ${m.object.kind} ${m.object.metadata.name}`, m.object]))(
    '%s matches the schema of its kind',
    (_label, object) => {
      expect(kubernetesProblems(object)).toEqual([]);
    },
  );

  test('a broken manifest, or an unknown kind, is refused by the same validator', () => {
    const deployment = structuredClone(objectsOf('Deployment')[0]!);
    (deployment.spec as { replicas: unknown }).replicas = 'two';
    expect(kubernetesProblems(deployment)).toEqual(['data/spec/replicas must be integer']);
    expect(kubernetesProblems({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' })).toEqual([
      'unknown kind autoscaling/v1/HorizontalPodAutoscaler',
    ]);
  });

  test.each(services)('%s has a hardened Deployment with probes and resources, and an HPA on it', (name) => {
    const deployment = objectsOf('Deployment').find((d) => d.metadata.name === name);
    expect(deployment, `Deployment ${name}`).toBeDefined();
    const pod = (deployment!.spec as { template: { spec: PodSpec } }).template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const [container] = pod.containers;
    expect(container!.args).toEqual([name]);
    expect(container!.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const)
      expect(container![probe], probe).toBeDefined();
    expect(Object.keys(container!.resources.requests)).toEqual(['cpu', 'memory']);
    expect(container!.resources.limits.memory).toBeDefined();
    expect(container!.envFrom).toEqual([
      { configMapRef: { name: 'riskloop-config' } },
      { secretRef: { name: 'riskloop-secrets' } },
    ]);

    const hpa = objectsOf('HorizontalPodAutoscaler').find((h) => h.metadata.name === name);
    expect(hpa?.apiVersion).toBe('autoscaling/v2');
    expect(hpa!.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
  });

  test('the kustomization applies every manifest but the example Secret; the Secret it names is exemplified', () => {
    const kustomization = parse(read(join(k8sDir, 'kustomization.yaml'))) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(
      manifestFiles.filter((f) => f !== 'secret.example.yaml').sort(),
    );
    expect(objectsOf('Secret').map((s) => s.metadata.name)).toEqual(['riskloop-secrets']);
    expect(objectsOf('ConfigMap').map((s) => s.metadata.name)).toEqual(['riskloop-config']);
  });
});

interface PodSpec {
  securityContext: Record<string, unknown>;
  containers: {
    args: string[];
    envFrom: unknown[];
    securityContext: Record<string, unknown>;
    resources: { requests: Record<string, string>; limits: Record<string, string> };
    startupProbe?: unknown;
    readinessProbe?: unknown;
    livenessProbe?: unknown;
  }[];
}
