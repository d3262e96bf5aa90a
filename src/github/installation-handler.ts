import { auditSink, type HandlerServices, type DeliveryContext } from './handler-services.ts';
import { readArray, readNumber, readString } from './read-payload.ts';

/**
 * installation (and installation_repositories): logged and audited, nothing else to do.
 *
 * @example app.on('installation', (context) => onInstallation(services, context));
 */
export async function onInstallation(
  services: HandlerServices,
  context: DeliveryContext,
): Promise<void> {
  const payload: unknown = context.payload;
  const action = readString(payload, 'action') ?? 'unknown';
  const account = readString(payload, 'installation.account.login') ?? 'unknown';
  const id = readNumber(payload, 'installation.id');
  const repositories = readArray(payload, 'repositories')
    .map((r) => readString(r, 'full_name'))
    .filter((n): n is string => n !== undefined);
  services.logger.info(
    { delivery: context.id, installation: id, account, action, repositories },
    `installation ${action}`,
  );
  await auditSink(
    services,
    context.id,
  )({
    actor: readString(payload, 'sender.login') ?? 'github',
    action: `installation.${action}`,
    target: `${account} installation ${id ?? '?'}`,
    outcome: 'recorded',
  });
}
