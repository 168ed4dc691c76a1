import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

/**
 * Extends create-plugin's webpack config (see .config/README.md, "extend the webpack config"):
 * the nested plugins (datasource/, panels/contactexport/) have their own logos, which the base
 * config does not copy (it copies only the app's).
 */
const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  return {
    ...base,
    plugins: [
      ...(base.plugins ?? []),
      new CopyWebpackPlugin({ patterns: [{ from: '*/**/img/*.svg', to: '.', noErrorOnMissing: true }] }),
    ],
  };
};

export default config;
