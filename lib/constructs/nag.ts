import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
// cdk-nag's own rendering of a policy resource, so the acknowledged finding ids are exactly the ones it reports.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges AwsSolutions-IAM5 for the wildcard resources of `scope`'s policies that `accept` allows, e.g.
 * objects under one prefix of a bucket. Their finding ids name the resource as synthesised, which for a
 * resource of the stateful stack is an export name known only once references are resolved; so the
 * acknowledgement is made then (construct validation runs after that, before the cdk-nag plugin).
 * A wildcard `accept` rejects is still reported.
 */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  accept: (resource: string) => boolean,
  reason: string,
): void {
  scope.node.addValidation({
    validate: () => {
      for (const policy of scope.node.findAll()) {
        if (!(policy instanceof iam.CfnPolicy)) continue;
        const stack = Stack.of(policy);
        const document = stack.resolve(stack.resolve(policy.policyDocument)) as {
          Statement?: { Effect: string; Resource: unknown }[];
        };
        for (const statement of document.Statement ?? []) {
          if (statement.Effect !== 'Allow') continue;
          const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
          for (const resource of resources.map(flattenCfnReference)) {
            if (resource.includes('*') && accept(resource)) {
              Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
            }
          }
        }
      }
      return [];
    },
  });
}
