/**
 * Huawei credentials for each project (docs/contracts.md §2): a Secrets Manager secret whose SecretString
 * is `{"ak","sk","securityToken"?}`, or the HUAWEICLOUD_SDK_* variables when no secret is named.
 * Each secret is fetched at most once per invocation. No message here ever contains a secret value.
 */
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { ENV_CREDENTIALS } from './env.js';
import { CredentialsError, isGesOffhoursError } from './errors.js';
import type { Credentials } from './ges/types.js';

/** Reads one secret's SecretString. Implementations throw CredentialsError. */
export interface SecretSource {
  /** `signal` aborts the read (the run's deadline); the source then rejects. */
  getSecretString(secretId: string, signal?: AbortSignal): Promise<string>;
}

/** AWS error names mapped to words an operator can act on. */
const AWS_PROBLEMS: Readonly<Record<string, string>> = {
  ResourceNotFoundException: 'secret not found (check the name or ARN and the region)',
  AccessDeniedException:
    "access denied (the function's role needs secretsmanager:GetSecretValue on this secret)",
  DecryptionFailure: 'could not be decrypted with its KMS key (check the key policy)',
  InvalidRequestException: 'cannot be read now (is it scheduled for deletion?)',
  InvalidParameterException: 'invalid secret id',
  AbortError: "not read before the run's deadline (Secrets Manager did not answer in time)",
  // Raised by the SDK itself, before any request: it found no AWS credentials to sign with.
  CredentialsProviderError:
    "no AWS credentials to read it with (on Lambda the function's role provides them; locally set AWS_PROFILE or AWS_ACCESS_KEY_ID)",
};

/** Actionable words for an AWS error; the SDK's own message when it is not one we know. */
function awsProblem(error: unknown): string {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const known = AWS_PROBLEMS[name];
  if (known !== undefined) return known;
  const message = error instanceof Error ? error.message : String(error);
  if (/region is missing/i.test(message)) return 'no AWS region to read it in (set AWS_REGION)';
  return `could not be read (${name}: ${message.slice(0, 200)})`;
}

/**
 * Secrets Manager, with the SDK loaded on first use only: a plan or a run with environment
 * credentials never pays for loading it. Keep one per process (module scope) so warm invocations
 * reuse the client and its connections.
 */
export function secretsManagerSource(config: SecretsManagerClientConfig = {}): SecretSource {
  let client:
    | Promise<{
        client: SecretsManagerClient;
        command: typeof import('@aws-sdk/client-secrets-manager').GetSecretValueCommand;
      }>
    | undefined;
  return {
    async getSecretString(secretId, signal) {
      client ??= import('@aws-sdk/client-secrets-manager').then((sdk) => ({
        client: new sdk.SecretsManagerClient(config),
        command: sdk.GetSecretValueCommand,
      }));
      const { client: sm, command } = await client;
      let output: { SecretString?: string | undefined };
      try {
        output = await sm.send(new command({ SecretId: secretId }), signal ? { abortSignal: signal } : {});
      } catch (error) {
        throw new CredentialsError(`secret ${secretId}`, awsProblem(error), { cause: error });
      }
      if (output.SecretString === undefined) {
        throw new CredentialsError(
          `secret ${secretId}`,
          'has no SecretString (binary secrets are not supported)',
        );
      }
      return output.SecretString;
    },
  };
}

/** How a source names each field in messages: the JSON key or the environment variable. */
export type FieldNames = Readonly<Record<keyof Credentials, string>>;

export const SECRET_FIELDS: FieldNames = { ak: '"ak"', sk: '"sk"', securityToken: '"securityToken"' };

/**
 * Why a trimmed value cannot be an access key, secret key or token, or undefined. They are
 * printable ASCII without spaces; anything else (a line break pasted inside, a tab, a non-ASCII
 * letter) would fail later as a malformed HTTP header or a wrong signature, far from its cause.
 */
function valueProblem(value: string): string | undefined {
  if (/^[\x21-\x7e]*$/.test(value)) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    return 'contains a control character (such as a line break or tab) inside the value: store it without one';
  }
  if (value.includes(' ')) return 'contains a space inside the value: store the key alone';
  return 'contains a character outside printable ASCII: keys and tokens are plain ASCII';
}

/**
 * Trims every field (a secret or variable saved with a trailing newline still works) and refuses
 * a value that cannot be a key, naming the field and never showing the value.
 */
export function checkedCredentials(source: string, raw: Credentials, names: FieldNames): Credentials {
  const ak = raw.ak.trim();
  const sk = raw.sk.trim();
  const securityToken = raw.securityToken?.trim() || undefined;
  for (const [field, value] of [
    ['ak', ak],
    ['sk', sk],
    ['securityToken', securityToken],
  ] as const) {
    const problem = value === undefined ? undefined : valueProblem(value);
    if (problem !== undefined) throw new CredentialsError(source, `${names[field]} ${problem}`);
  }
  const unchanged = ak === raw.ak && sk === raw.sk && securityToken === raw.securityToken;
  return unchanged ? raw : { ak, sk, securityToken };
}

/** Parses a secret's JSON. Errors say what is wrong with the shape, never what the value is. */
export function parseCredentialsSecret(source: string, text: string): Credentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CredentialsError(
      source,
      'is not JSON; expected {"ak": "...", "sk": "...", "securityToken"?: "..."}',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CredentialsError(source, 'is not a JSON object; expected {"ak": "...", "sk": "..."}');
  }
  const record = value as Record<string, unknown>;
  const stringAt = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
  const missing = ['ak', 'sk'].filter((k) => !stringAt(k)?.trim());
  if (missing.length > 0) {
    throw new CredentialsError(
      source,
      `is missing ${missing.map((k) => `"${k}"`).join(' and ')} (non-empty strings)`,
    );
  }
  const token = record.securityToken;
  if (token !== undefined && typeof token !== 'string') {
    throw new CredentialsError(source, '"securityToken" must be a string when present');
  }
  return checkedCredentials(
    source,
    { ak: stringAt('ak') ?? '', sk: stringAt('sk') ?? '', securityToken: stringAt('securityToken') },
    SECRET_FIELDS,
  );
}

export interface CredentialResolverOptions {
  readonly source: SecretSource;
  /** GES_CREDENTIALS_SECRET: used by projects that name no secret of their own. */
  readonly defaultSecret: string | undefined;
  /** HUAWEICLOUD_SDK_*: used when no secret is named at all. Checked when first used. */
  readonly envCredentials: Credentials | undefined;
  /** Aborts secret reads still under way: the run's deadline. */
  readonly signal?: AbortSignal | undefined;
}

/** One per invocation: caches each secret's promise, so concurrent projects share one fetch. */
export class CredentialResolver {
  readonly #cache = new Map<string, Promise<Credentials>>();
  constructor(private readonly options: CredentialResolverOptions) {}

  /** The secret a project uses, or undefined for environment credentials. */
  secretFor(projectSecret: string | undefined): string | undefined {
    return projectSecret ?? this.options.defaultSecret;
  }

  resolve(projectSecret: string | undefined): Promise<Credentials> {
    const secretId = this.secretFor(projectSecret);
    if (secretId === undefined) {
      const creds = this.options.envCredentials;
      return creds
        ? new Promise((resolve) => resolve(checkedCredentials('the environment', creds, ENV_CREDENTIALS)))
        : Promise.reject(
            new CredentialsError(
              'the environment',
              'no credentials: set GES_CREDENTIALS_SECRET (or a project credentialsSecret), or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK',
            ),
          );
    }
    let pending = this.#cache.get(secretId);
    if (!pending) {
      pending = this.fetch(secretId);
      this.#cache.set(secretId, pending);
    }
    return pending;
  }

  private async fetch(secretId: string): Promise<Credentials> {
    try {
      return parseCredentialsSecret(
        `secret ${secretId}`,
        await this.options.source.getSecretString(secretId, this.options.signal),
      );
    } catch (error) {
      if (isGesOffhoursError(error)) throw error;
      throw new CredentialsError(`secret ${secretId}`, 'could not be read', { cause: error });
    }
  }
}
