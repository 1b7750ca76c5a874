// `nightshift token`: the same token as `npm run token`, plus --json.
import { stringOption } from '../args.ts';
import type { Command } from '../context.ts';
import { mintToken, parseRole, parseTtl, printToken } from '../token.ts';

export const tokenCommand: Command = async (ctx) => {
  const minted = await mintToken(ctx.config(), {
    role: parseRole(stringOption(ctx.values, 'role')),
    sub: stringOption(ctx.values, 'sub'),
    ttlSeconds: parseTtl(stringOption(ctx.values, 'ttl')),
    url: stringOption(ctx.values, 'url') ?? ctx.env.NIGHTSHIFT_URL,
  });
  if (!ctx.out.json) printToken(minted, ctx.out.stdout, ctx.out.stderr);
  return { data: minted };
};
