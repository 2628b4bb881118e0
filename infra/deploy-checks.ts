/**
 * Offline checks of the deployable infrastructure (infra/docker, infra/compose, infra/k8s), used by
 * infra/deploy.test.ts. No container engine or cluster is needed: the compose file is checked against the
 * Compose Specification's JSON Schema (as shipped by dclint), Kubernetes objects against the OpenAPI
 * schemas of their kind (kubernetes-models), the Dockerfile through a parser (dockerfile-ast) and the NATS
 * configuration by its blocks. Each check returns the problems it found; none means valid.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { DockerfileParser, type From } from 'dockerfile-ast';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let composeValidator: ValidateFunction | undefined;

/** Problems of a parsed compose file against the Compose Specification schema. */
export function composeProblems(compose: unknown): string[] {
  if (!composeValidator) {
    const schemaFile = join(
      dirname(createRequire(import.meta.url).resolve('dclint/package.json')),
      'schemas/compose.schema.json',
    );
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<
      string,
      unknown
    >;
    composeValidator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  if (composeValidator(compose)) return [];
  return (composeValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
}

interface Validatable {
  validate(): void;
}

/** The Kubernetes kinds the manifests may use, by `apiVersion/kind`. */
const kinds: Record<string, new (data: never) => Validatable> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/** Problems of one Kubernetes object against the schema of its kind (an unknown kind is one). */
export function kubernetesProblems(object: unknown): string[] {
  const { apiVersion, kind } = (object ?? {}) as { apiVersion?: unknown; kind?: unknown };
  const Model = kinds[`${String(apiVersion)}/${String(kind)}`];
  if (!Model) return [`unknown kind ${String(apiVersion)}/${String(kind)}`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

export interface DockerfileFacts {
  /** Stage names in order (`FROM ... AS <name>`). */
  stages: string[];
  /** The USER of the final stage, if any. */
  user: string | undefined;
  entrypoint: string | undefined;
  /** Sources of COPY instructions in the stage named `stage`. */
  copies(stage: string): string[];
}

export function dockerfileFacts(text: string): DockerfileFacts {
  const instructions = DockerfileParser.parse(text).getInstructions();
  const stages: string[] = [];
  const copiesByStage = new Map<string, string[]>();
  let user: string | undefined;
  let entrypoint: string | undefined;
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const name = (instruction as From).getBuildStage() ?? `#${stages.length}`;
      stages.push(name);
      copiesByStage.set(name, []);
      user = undefined; // USER does not carry across stages
    } else if (keyword === 'USER') user = instruction.getArgumentsContent() ?? undefined;
    else if (keyword === 'ENTRYPOINT') entrypoint = instruction.getArgumentsContent() ?? undefined;
    else if (keyword === 'COPY') {
      const args = instruction.getArguments().map((a) => a.getValue());
      copiesByStage.get(stages.at(-1) ?? '')?.push(...args.slice(0, -1));
    }
  }
  return { stages, user, entrypoint, copies: (stage) => copiesByStage.get(stage) ?? [] };
}

/** Problems of a Dockerfile as the platform's image: multi-stage, non-root, an entry point. */
export function dockerfileProblems(facts: DockerfileFacts): string[] {
  const problems: string[] = [];
  if (facts.stages.length < 2) problems.push('not a multi-stage build');
  const user = facts.user?.split(':')[0];
  if (user === undefined) problems.push('the final stage sets no USER (it would run as root)');
  else if (user === 'root' || user === '0') problems.push('the final stage runs as root');
  if (!facts.entrypoint) problems.push('no ENTRYPOINT');
  return problems;
}

export interface NatsFacts {
  routes: string[];
  syncInterval: string | undefined;
  clusterName: string | undefined;
}

/** The body of `name { ... }` at the top level of a NATS config (nested braces allowed). */
function block(text: string, name: string): string | undefined {
  const start = new RegExp(`^${name}\\s*[:=]?\\s*\\{`, 'm').exec(text);
  if (!start) return undefined;
  let depth = 1;
  for (let i = start.index + start[0].length; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start.index + start[0].length, i);
  }
  return undefined;
}

/** What the checks need from a NATS server config (comments dropped). */
export function natsFacts(text: string): NatsFacts {
  const code = text.replace(/#.*$/gm, '');
  const cluster = block(code, 'cluster') ?? '';
  const routes = /routes\s*[:=]?\s*\[([^\]]*)\]/.exec(cluster)?.[1] ?? '';
  return {
    routes: routes.split(/[\s,]+/).filter((r) => r.length > 0),
    syncInterval: /sync_interval\s*[:=]\s*"?([\w]+)"?/.exec(block(code, 'jetstream') ?? '')?.[1],
    clusterName: /name\s*[:=]\s*"?([\w-]+)"?/.exec(cluster)?.[1],
  };
}
