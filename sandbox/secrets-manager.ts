/**
 * A loopback stand-in for AWS Secrets Manager's GetSecretValue (JSON 1.1 protocol), so the real
 * SDK client runs end to end in tests and in the demo. Point the SDK at it with `endpoint`, or
 * with AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsRequest {
  readonly target: string | undefined;
  readonly secretId: string;
  readonly authorization: string | undefined;
}

export interface FakeSecretsManager {
  readonly endpoint: string;
  readonly requests: readonly SecretsRequest[];
  close(): Promise<void>;
}

/** `secrets` maps a SecretId to its SecretString; `deny` lists ids that answer AccessDeniedException. */
export async function startFakeSecretsManager(
  secrets: Readonly<Record<string, string>>,
  deny: readonly string[] = [],
): Promise<FakeSecretsManager> {
  const requests: SecretsRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      let secretId = '';
      try {
        secretId = String((JSON.parse(body) as { SecretId?: unknown }).SecretId ?? '');
      } catch {
        // An unparsable body is answered like a missing secret below.
      }
      const target = req.headers['x-amz-target'] as string | undefined;
      requests.push({ target, secretId, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      const value = secrets[secretId];
      if (deny.includes(secretId)) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'User is not authorized' }));
      } else if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            __type: 'ResourceNotFoundException',
            message: "Secrets Manager can't find the specified secret.",
          }),
        );
      } else {
        const arn = `arn:aws:secretsmanager:eu-central-1:000000000000:secret:${secretId}-AbCdEf`;
        res.end(JSON.stringify({ ARN: arn, Name: secretId, SecretString: value, VersionId: 'v1' }));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
