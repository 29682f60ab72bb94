/** Finding the browser for the storefront's tests: a clear error, never a silent skip. */
import { chromiumPath } from '../../scripts/chromium';

it('refuses a CHROMIUM_PATH with nothing there, naming the variable', () => {
  expect(() => chromiumPath({ CHROMIUM_PATH: '/nowhere/chromium' })).toThrow(/CHROMIUM_PATH is \/nowhere\/chromium, but there is no file there/);
});

it('takes a CHROMIUM_PATH that exists', () => {
  expect(chromiumPath({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
});
