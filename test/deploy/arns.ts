/** The IAM resource deploy/secret-arns.cjs must build for a secret given by name (written out, not imported). */
export function secretArnByName(name: string) {
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
        `:secret:${name}-??????`,
      ],
    ],
  };
}
