import { once } from 'node:events';
import { createServer } from 'node:http';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialResolver,
  parseCredentialsSecret,
  type SecretSource,
  secretsManagerSource,
} from '../../lib/credentials.js';
import { CredentialsError } from '../../lib/errors.js';
import { type FakeSecretsManager, startFakeSecretsManager } from '../../sandbox/secrets-manager.js';

const SK = 'sk-VERY-SECRET-value';

describe('parseCredentialsSecret', () => {
  it.each([
    {
      name: 'ak and sk',
      text: `{"ak":"AK1","sk":"${SK}"}`,
      expected: { ak: 'AK1', sk: SK, securityToken: undefined },
    },
    {
      name: 'temporary credentials',
      text: `{"ak":"AK1","sk":"${SK}","securityToken":"tok"}`,
      expected: { ak: 'AK1', sk: SK, securityToken: 'tok' },
    },
  ])('reads $name', ({ text, expected }) => {
    expect(parseCredentialsSecret('secret s', text)).toEqual(expected);
  });

  it.each([
    { name: 'text that is not JSON', text: `ak=AK1 sk=${SK}`, words: 'is not JSON' },
    { name: 'a JSON array', text: `["AK1","${SK}"]`, words: 'is not a JSON object' },
    { name: 'a missing sk', text: '{"ak":"AK1"}', words: 'is missing "sk"' },
    { name: 'upper-case keys', text: `{"AK":"AK1","SK":"${SK}"}`, words: 'is missing "ak" and "sk"' },
    { name: 'an empty ak', text: `{"ak":" ","sk":"${SK}"}`, words: 'is missing "ak"' },
    {
      name: 'a numeric token',
      text: `{"ak":"AK1","sk":"${SK}","securityToken":5}`,
      words: '"securityToken" must be a string',
    },
  ])('refuses $name without quoting the value', ({ text, words }) => {
    let error: unknown;
    try {
      parseCredentialsSecret('secret ges/prod', text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toContain('secret ges/prod');
    expect((error as Error).message).toContain(words);
    expect((error as Error).message).not.toContain(SK);
  });
});

describe('parseCredentialsSecret: values saved with stray characters', () => {
  const fields = { ak: 'AK1', sk: SK, securityToken: 'tok-123' };
  const secret = (edit: Partial<Record<keyof typeof fields, string>>) =>
    JSON.stringify({ ...fields, ...edit });

  it.each(['ak', 'sk', 'securityToken'] as const)('trims a trailing newline and spaces from %s', (field) => {
    const text = secret({ [field]: ` ${fields[field]}\r\n` });
    expect(parseCredentialsSecret('secret s', text)).toEqual(fields);
  });

  it.each([
    { field: 'ak', value: 'AK\n1', words: '"ak" contains a control character' },
    { field: 'sk', value: `${SK.slice(0, 4)}\t${SK.slice(4)}`, words: '"sk" contains a control character' },
    { field: 'securityToken', value: 'tok\u0000123', words: '"securityToken" contains a control character' },
    { field: 'sk', value: `${SK}\u007f`, words: '"sk" contains a control character' },
    { field: 'ak', value: 'AK 1', words: '"ak" contains a space inside the value' },
    {
      field: 'securityToken',
      value: 'tök',
      words: '"securityToken" contains a character outside printable ASCII',
    },
  ] as const)(
    'refuses $field with $words, as a CredentialsError without the value',
    ({ field, value, words }) => {
      let error: unknown;
      try {
        parseCredentialsSecret('secret ges/prod', secret({ [field]: value }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as CredentialsError).code).toBe('CREDENTIALS');
      expect((error as Error).message).toContain(`Credentials from secret ges/prod: ${words}`);
      for (const shown of [value, SK, SK.slice(0, 4)]) expect((error as Error).message).not.toContain(shown);
    },
  );
});

describe('CredentialResolver', () => {
  function countingSource(values: Record<string, string>): SecretSource & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      async getSecretString(id) {
        calls.push(id);
        const value = values[id];
        if (value === undefined) throw new CredentialsError(`secret ${id}`, 'secret not found');
        return value;
      },
    };
  }

  it('fetches each secret once per invocation, however many projects share it', async () => {
    const source = countingSource({ shared: `{"ak":"A","sk":"${SK}"}`, other: `{"ak":"B","sk":"${SK}"}` });
    const resolver = new CredentialResolver({ source, defaultSecret: 'shared', envCredentials: undefined });
    await Promise.all([
      resolver.resolve(undefined),
      resolver.resolve(undefined),
      resolver.resolve('other'),
      resolver.resolve('shared'),
    ]);
    expect(source.calls.sort()).toEqual(['other', 'shared']);
  });

  it('uses the environment credentials only when no secret is named', async () => {
    const source = countingSource({});
    const env = { ak: 'ENV-AK', sk: SK };
    const resolver = new CredentialResolver({ source, defaultSecret: undefined, envCredentials: env });
    await expect(resolver.resolve(undefined)).resolves.toBe(env);
    await expect(resolver.resolve('named')).rejects.toThrow('secret named: secret not found');
    expect(source.calls).toEqual(['named']);
  });

  it.each([
    { name: 'HUAWEICLOUD_SDK_AK', env: { ak: 'ENV\u0007AK', sk: SK } },
    { name: 'HUAWEICLOUD_SDK_SK', env: { ak: 'ENV-AK', sk: `${SK}\n${SK}` } },
    { name: 'HUAWEICLOUD_SDK_SECURITY_TOKEN', env: { ak: 'ENV-AK', sk: SK, securityToken: 'a\rb' } },
  ])(
    'refuses environment credentials with a control character in $name, naming the variable',
    async ({ name, env }) => {
      const resolver = new CredentialResolver({
        source: countingSource({}),
        defaultSecret: undefined,
        envCredentials: env,
      });
      const error = await resolver.resolve(undefined).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toBe(
        `Credentials from the environment: ${name} contains a control character (such as a line break or tab) inside the value: store it without one`,
      );
    },
  );

  it('trims environment credentials it is handed untrimmed', async () => {
    const env = { ak: 'ENV-AK\n', sk: ` ${SK}`, securityToken: 'tok\n' };
    const resolver = new CredentialResolver({
      source: countingSource({}),
      defaultSecret: undefined,
      envCredentials: env,
    });
    await expect(resolver.resolve(undefined)).resolves.toEqual({
      ak: 'ENV-AK',
      sk: SK,
      securityToken: 'tok',
    });
  });

  it('says how to provide credentials when there are none', async () => {
    const resolver = new CredentialResolver({
      source: countingSource({}),
      defaultSecret: undefined,
      envCredentials: undefined,
    });
    await expect(resolver.resolve(undefined)).rejects.toThrow(
      /set GES_CREDENTIALS_SECRET .* or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK/,
    );
  });
});

describe('secretsManagerSource with aws-sdk-client-mock', () => {
  // Installed in beforeAll, not while collecting: a filtered run must not leave the SDK mocked.
  let sm: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sm = mockClient(SecretsManagerClient);
  });
  afterEach(() => sm.reset());
  afterAll(() => sm.restore());

  function awsError(name: string): Error {
    const error = new Error(`${name} from AWS`);
    error.name = name;
    return error;
  }

  it('returns the SecretString', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'ges/prod' }).resolves({
      SecretString: `{"ak":"A","sk":"${SK}"}`,
    });
    await expect(
      secretsManagerSource({ region: 'eu-central-1' }).getSecretString('ges/prod'),
    ).resolves.toContain('"ak"');
  });

  it.each([
    { error: 'ResourceNotFoundException', words: 'secret not found' },
    {
      error: 'AccessDeniedException',
      words: "access denied (the function's role needs secretsmanager:GetSecretValue",
    },
    { error: 'DecryptionFailure', words: 'could not be decrypted with its KMS key' },
    {
      error: 'ThrottlingException',
      words: 'could not be read (ThrottlingException: ThrottlingException from AWS)',
    },
    { error: 'Error', message: 'Region is missing', words: 'no AWS region to read it in (set AWS_REGION)' },
    { error: 'CredentialsProviderError', words: 'no AWS credentials to read it with' },
  ])('maps $error to words an operator can act on', async ({ error, words, message }) => {
    const failure = awsError(error);
    if (message !== undefined) failure.message = message;
    sm.on(GetSecretValueCommand).rejects(failure);
    const read = secretsManagerSource({ region: 'eu-central-1' }).getSecretString('ges/prod');
    await expect(read).rejects.toBeInstanceOf(CredentialsError);
    await expect(read).rejects.toThrow(`Credentials from secret ges/prod: ${words}`);
  });

  it('refuses a binary secret', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    await expect(secretsManagerSource({ region: 'eu-central-1' }).getSecretString('bin')).rejects.toThrow(
      'binary secrets',
    );
  });
});

describe('secretsManagerSource with the real client against a loopback endpoint', () => {
  let fake: FakeSecretsManager;
  beforeAll(async () => {
    fake = await startFakeSecretsManager({ 'ges/prod': `{"ak":"A","sk":"${SK}"}` }, ['ges/denied']);
  });
  afterAll(() => fake.close());

  const config = () => ({
    endpoint: fake.endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'aws-secret' },
  });

  it('sends a signed GetSecretValue and resolves the project credentials', async () => {
    const resolver = new CredentialResolver({
      source: secretsManagerSource(config()),
      defaultSecret: 'ges/prod',
      envCredentials: undefined,
    });
    await expect(resolver.resolve(undefined)).resolves.toEqual({ ak: 'A', sk: SK, securityToken: undefined });
    const seen = fake.requests.at(-1)!;
    expect(seen).toMatchObject({ target: 'secretsmanager.GetSecretValue', secretId: 'ges/prod' });
    expect(seen.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
  });

  it.each([
    { id: 'ges/missing', words: 'Credentials from secret ges/missing: secret not found' },
    { id: 'ges/denied', words: 'Credentials from secret ges/denied: access denied' },
  ])('turns the answer for $id into a CredentialsError that names it', async ({ id, words }) => {
    await expect(secretsManagerSource(config()).getSecretString(id)).rejects.toThrow(words);
  });
});

describe('secretsManagerSource: a read the run cannot wait for', () => {
  it('is aborted by the signal, closes its connection and says why', async () => {
    const sockets: { closed: boolean }[] = [];
    const server = createServer(() => {
      /* never answers */
    });
    server.on('connection', (socket) => {
      const seen = { closed: false };
      sockets.push(seen);
      socket.on('close', () => {
        seen.closed = true;
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    try {
      const source = secretsManagerSource({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'eu-central-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'aws-secret' },
        maxAttempts: 1,
      });
      const started = Date.now();
      await expect(source.getSecretString('ges/slow', AbortSignal.timeout(200))).rejects.toThrow(
        "Credentials from secret ges/slow: not read before the run's deadline",
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect.poll(() => sockets.length > 0 && sockets.every((s) => s.closed)).toBe(true);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
