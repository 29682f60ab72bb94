/** The signed-in shopper's cart, shared by the header's count, the cart page and checkout. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, type Cart } from './api/client';
import { call, ShopError } from './problems';
import { useSession } from './session';

interface CartValue {
  cart?: Cart;
  loading: boolean;
  error?: ShopError;
  reload(): Promise<Cart | undefined>;
  setQuantity(sku: string, quantity: number): Promise<void>;
  remove(sku: string): Promise<void>;
}

const CartContext = createContext<CartValue | undefined>(undefined);

export function CartProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const customerId = user?.id;
  const [cart, setCart] = useState<Cart>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ShopError>();

  const reload = useCallback(async () => {
    if (!customerId) {
      setCart(undefined);
      return undefined;
    }
    setLoading(true);
    try {
      const fresh = await call(api.GET('/carts/{customerId}', { params: { path: { customerId } } }));
      setCart(fresh);
      setError(undefined);
      return fresh;
    } catch (failure) {
      setError(failure instanceof ShopError ? failure : new ShopError('We could not load your cart.', 0));
      return undefined;
    } finally {
      setLoading(false);
    }
  }, [customerId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const setQuantity = useCallback(
    async (sku: string, quantity: number) => {
      if (!customerId) throw new ShopError('Log in to use your cart.', 401);
      setCart(await call(api.PUT('/carts/{customerId}/items/{sku}', { params: { path: { customerId, sku } }, body: { quantity } })));
    },
    [customerId],
  );

  const remove = useCallback(
    async (sku: string) => {
      if (!customerId) throw new ShopError('Log in to use your cart.', 401);
      setCart(await call(api.DELETE('/carts/{customerId}/items/{sku}', { params: { path: { customerId, sku } } })));
    },
    [customerId],
  );

  const value = useMemo(() => ({ cart, loading, error, reload, setQuantity, remove }), [cart, loading, error, reload, setQuantity, remove]);
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartValue {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart outside CartProvider');
  return value;
}
