/** The tests take free ports the way the dev tooling does. */
export { getFreePort } from '../../dev/processes';
