// `nightshift token`: the same token as `npm run token`, plus --json; the sign-in link is under the
// app's configured URL, base path and dashboard path (src/cli/project.ts).
import { stringOption } from '../args.ts';
import type { Command } from '../context.ts';
import { mintToken, parseRole, parseTtl, printToken, publicUrl } from '../token.ts';

export const tokenCommand: Command = async (ctx) => {
  const settings = ctx.settings();
  const minted = await mintToken(settings, {
    role: parseRole(stringOption(ctx.values, 'role')),
    sub: stringOption(ctx.values, 'sub'),
    ttlSeconds: parseTtl(stringOption(ctx.values, 'ttl')),
    base: publicUrl(settings, ctx.env, stringOption(ctx.values, 'url')),
  });
  if (!ctx.out.json) printToken(minted, ctx.out.stdout, ctx.out.stderr);
  return { data: minted };
};
