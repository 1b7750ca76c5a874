import { z } from 'zod';

export const ROLES = ['owner', 'admin', 'staff'] as const;
export type Role = (typeof ROLES)[number];
export const ADMIN_ROLES: readonly Role[] = ['owner', 'admin'];

/** The claims Nightshift requires: exp is mandatory (hono only checks it when present). */
export const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  exp: z.number().int(),
});
export type Claims = z.infer<typeof claimsSchema>;
