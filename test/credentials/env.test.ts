import { describe, expect, it } from 'vitest';
import { CredentialResolver } from '../../lib/credentials.js';
import { readEnvironment } from '../../lib/env.js';
import { CredentialsError } from '../../lib/errors.js';

const SK = 'sk-VERY-SECRET-value';
const noSecrets = {
  async getSecretString(): Promise<string> {
    throw new Error('no secret is named in these tests');
  },
};

function resolverFor(env: Record<string, string>) {
  const { envCredentials, credentialsSecret } = readEnvironment(env);
  return new CredentialResolver({ source: noSecrets, defaultSecret: credentialsSecret, envCredentials });
}

describe('Function: readEnvironment, credentials', () => {
  it.each(['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN'])(
    'trims a trailing newline from %s',
    async (name) => {
      const env = {
        HUAWEICLOUD_SDK_AK: 'AK1',
        HUAWEICLOUD_SDK_SK: SK,
        HUAWEICLOUD_SDK_SECURITY_TOKEN: 'tok',
      };
      const untrimmed = { ...env, [name]: `${env[name as keyof typeof env]}\n` };
      await expect(resolverFor(untrimmed).resolve(undefined)).resolves.toEqual({
        ak: 'AK1',
        sk: SK,
        securityToken: 'tok',
      });
    },
  );

  it.each(['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN'])(
    'refuses a control character inside %s when the credentials are used, naming the variable only',
    async (name) => {
      const env = {
        HUAWEICLOUD_SDK_AK: 'AK1',
        HUAWEICLOUD_SDK_SK: SK,
        HUAWEICLOUD_SDK_SECURITY_TOKEN: 'tok',
      };
      const value = `${env[name as keyof typeof env]}\u001bX`;
      const error = await resolverFor({ ...env, [name]: value })
        .resolve(undefined)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredentialsError);
      expect((error as Error).message).toMatch(
        new RegExp(`^Credentials from the environment: ${name} contains a control character`),
      );
      expect((error as Error).message).not.toContain(SK);
      expect((error as Error).message).not.toContain(value);
    },
  );

  it('reads nothing from whitespace-only credentials', () => {
    expect(
      readEnvironment({ HUAWEICLOUD_SDK_AK: ' \n', HUAWEICLOUD_SDK_SK: SK }).envCredentials,
    ).toBeUndefined();
  });
});
