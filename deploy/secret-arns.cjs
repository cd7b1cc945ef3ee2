'use strict';
// Resource list of the Lambda's `secretsmanager:GetSecretValue` statement (serverless.yml).
//
// Sources, deduplicated, in this order:
//   1. param `credentialsSecret` (required): the default secret, also GES_CREDENTIALS_SECRET;
//   2. param `extraSecrets` (optional): comma-separated names or ARNs;
//   3. every `projects[].credentialsSecret` in the shipped schedule config (custom.scheduleConfig).
//
// Each entry is a full secret ARN (kept as it is) or a secret name, which becomes
//   arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-??????
// built by CloudFormation from pseudo parameters at deploy time, so that packaging needs neither
// AWS credentials nor network (`${aws:accountId}` would call STS). `-??????` matches exactly the
// six random characters Secrets Manager appends, so `ges/prod` never matches `ges/prod-old`.
// Wildcards are refused: the function may read the secrets it is configured with, nothing else.

const fs = require('node:fs');
const path = require('node:path');

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}(?:-\?{6})?$/;

const fail = (message) => {
  const error = new Error(`${message} (see docs/deploy.md)`);
  error.stack = error.message; // osls prints the stack: keep the output to the message
  throw error;
};

const toResource = (value, origin) => {
  if (ARN.test(value)) return value;
  if (value.startsWith('arn:')) fail(`${origin}: not a Secrets Manager secret ARN: "${value}"`);
  if (!NAME.test(value)) fail(`${origin}: not a valid secret name or ARN: "${value}"`);
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':secretsmanager:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:secret:${value}-??????`,
      ],
    ],
  };
};

// A config that cannot be read or parsed contributes no secrets here: deploy/config-guard.cjs
// refuses it next, before anything is built, with the function's own messages.
const secretsInConfig = (file) => {
  let config;
  try {
    config = require('yaml').parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const projects = config && Array.isArray(config.projects) ? config.projects : [];
  return projects.flatMap((project, index) =>
    project && typeof project.credentialsSecret === 'string'
      ? [{ value: project.credentialsSecret, origin: `${file}: projects[${index}].credentialsSecret` }]
      : [],
  );
};

module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const primary = String((await resolveVariable("param:credentialsSecret, ''")) ?? '').trim();
  if (primary === '') {
    fail('Missing parameter credentialsSecret: pass --param="credentialsSecret=<secret name or ARN>"');
  }
  const extra = String((await resolveVariable("param:extraSecrets, ''")) ?? '');
  const configFile = await resolveConfigurationProperty(['custom', 'scheduleConfig']);

  const entries = [
    { value: primary, origin: 'param credentialsSecret' },
    ...extra
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '')
      .map((value) => ({ value, origin: 'param extraSecrets' })),
    ...secretsInConfig(path.resolve(__dirname, '..', configFile)),
  ];

  const seen = new Set();
  const resources = [];
  for (const { value, origin } of entries) {
    if (seen.has(value)) continue;
    seen.add(value);
    resources.push(toResource(value, origin));
  }
  return resources;
};
