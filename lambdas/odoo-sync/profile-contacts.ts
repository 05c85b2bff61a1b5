import type { ProfileStore } from '../core/identity/profile.js';
import type { CustomerContact, CustomerContactReader } from '../core/odoo/sync.js';

/**
 * The contact Odoo users should see on a partner: the golden record of the unified profile (the values
 * survivorship chose), so a partner is named after the person rather than after a Tessera id.
 */
export class ProfileContactReader implements CustomerContactReader {
  constructor(private readonly profiles: Pick<ProfileStore, 'getProfile'>) {}

  async contact(customerId: string): Promise<CustomerContact | undefined> {
    const profile = await this.profiles.getProfile(customerId);
    if (!profile) return undefined;
    const value = (attribute: string) => profile.golden[attribute]?.value;
    const name =
      [value('givenName'), value('familyName')].filter(Boolean).join(' ') || value('fullName') || undefined;
    const email = value('email');
    const phone = value('phone');
    return { ...(name ? { name } : {}), ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
  }
}
