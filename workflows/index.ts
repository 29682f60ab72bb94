/** Every workflow the worker runs. */
export { checkoutWorkflow } from './checkout';
