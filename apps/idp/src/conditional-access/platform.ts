import Bowser from 'bowser';
import type { Platform } from './policy.ts';

const BY_OS_NAME: Record<string, Platform> = {
  Android: 'android',
  iOS: 'iOS',
  Windows: 'windows',
  macOS: 'macOS',
  Linux: 'linux',
};

/**
 * The device platform of a sign-in as Entra derives it: from the User-Agent (so unverified), with
 * bowser. null when the User-Agent names none of Android, iOS, Windows, macOS, Linux.
 */
export function platformOf(userAgent: string | null | undefined): Platform | null {
  if (!userAgent?.trim()) return null;
  const name = Bowser.parse(userAgent).os.name;
  return (name && BY_OS_NAME[name]) || null;
}
