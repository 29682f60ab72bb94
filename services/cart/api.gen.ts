/**
 * Generated from openapi/cart.yaml by openapi-typescript (npm run gen). Do not edit.
 */

export interface paths {
    "/carts/{customerId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        /**
         * The customer's cart, at current prices
         * @description A customer who never used their cart gets an empty one (not a 404).
         */
        get: operations["getCart"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/carts/{customerId}/items": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove every item */
        delete: operations["emptyCart"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/carts/{customerId}/items/{sku}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Set how many of a product the cart holds (adds it when missing)
         * @description The product must exist in the catalog (404 `product-not-found`
         *     otherwise) and be on sale (422 `product-unavailable`), in the cart's
         *     currency (422 `currency-mismatch`). A 51st SKU is refused (422
         *     `cart-full`), and so is a quantity that would make the cart total
         *     more than one order may (422 `cart-total-too-large`, naming
         *     `body.quantity`). Setting the same quantity again changes nothing.
         */
        put: operations["setItemQuantity"];
        post?: never;
        /** Remove one item; removing one that is not there is fine */
        delete: operations["removeItem"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/carts/{customerId}/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Lock the cart for a checkout and get what to charge
         * @description Prices every item at the catalog's current price. Refused when the
         *     cart is empty (422 `cart-empty`), when an item is no longer sold or
         *     not in the cart's currency (422 `product-unavailable`, listing
         *     `skus`), when another checkout holds the lock (409 `cart-locked`,
         *     with its `checkoutId`), when this checkout was released already (409
         *     `checkout-released`), when the checkout id belongs to another
         *     customer (409 `checkout-mismatch`), or when prices rose so that the
         *     cart totals more than one order may (422 `cart-total-too-large`). The catalog unreachable is 503
         *     `catalog-unavailable` (retry). A repeat for the same checkout returns
         *     the stored snapshot.
         */
        post: operations["lockCart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/carts/{customerId}/checkout/{checkoutId}/release": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unlock the cart (the checkout's compensation)
         * @description Idempotent. Harmless when this checkout never locked the cart (it is
         *     then remembered as released, so a late lock is refused) and when it
         *     was completed (nothing changes; the answer says `completed`). Never
         *     unlocks another checkout's lock.
         */
        post: operations["releaseCart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/carts/{customerId}/checkout/{checkoutId}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The checkout bought the cart; empty and unlock it
         * @description Idempotent: a repeat after completion is 200 and changes nothing.
         *     Refused with 409 when another checkout holds the lock
         *     (`cart-locked`), when this checkout was released (`checkout-released`)
         *     or never locked the cart (`checkout-not-locked`).
         */
        post: operations["completeCart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        CustomerId: string;
        CheckoutId: string;
        /** @example TSHIRT-BLUE-M */
        Sku: string;
        /**
         * @description An ISO 4217 currency code
         * @example USD
         */
        Currency: string;
        /**
         * @description An amount in the currency's minor units (cents). The most a cart can
         *     show is 50 items × 99 units × 100,000,000, once prices rose after the
         *     items were added.
         */
        MinorUnits: number;
        /** @description Units of one product in the cart */
        CartQuantity: number;
        Money: {
            amount: components["schemas"]["MinorUnits"];
            currency: components["schemas"]["Currency"];
        };
        /**
         * @description `checking_out`: a checkout holds the cart and its items cannot change
         * @enum {string}
         */
        CartStatus: "open" | "checking_out";
        SetQuantityRequest: {
            quantity: components["schemas"]["CartQuantity"];
        };
        LockCartRequest: {
            checkoutId: components["schemas"]["CheckoutId"];
        };
        CartItem: {
            sku: components["schemas"]["Sku"];
            name: string;
            quantity: components["schemas"]["CartQuantity"];
            unitPrice: components["schemas"]["Money"];
            lineTotal: components["schemas"]["Money"];
            /**
             * @description Can be bought: on sale and in the cart's currency. Unavailable items
             *     are not in the total and block a checkout. When `pricesCurrent` is
             *     false this is what was known when the item was last set.
             */
            available: boolean;
        };
        Cart: {
            customerId: components["schemas"]["CustomerId"];
            status: components["schemas"]["CartStatus"];
            /** @description The checkout holding the cart, while `checking_out` */
            checkoutId?: components["schemas"]["CheckoutId"];
            /** @description In the order they were added */
            items: components["schemas"]["CartItem"][];
            /** @description The available items' line totals; an empty cart's is 0 USD */
            total: components["schemas"]["Money"];
            /** @description Units over all items */
            itemCount: number;
            /** @description False when the catalog could not be reached and the prices are those stored with the items */
            pricesCurrent: boolean;
            /**
             * Format: date-time
             * @description When the items last changed; null for a cart never used
             */
            updatedAt: string | null;
        };
        CheckoutLine: {
            sku: components["schemas"]["Sku"];
            name: string;
            quantity: components["schemas"]["CartQuantity"];
            /** @description Price per unit in minor units, in the snapshot's currency */
            unitPrice: components["schemas"]["UnitPrice"];
        };
        CheckoutSnapshot: {
            checkoutId: components["schemas"]["CheckoutId"];
            customerId: components["schemas"]["CustomerId"];
            /** @enum {string} */
            status: "locked" | "completed";
            currency: components["schemas"]["Currency"];
            lines: components["schemas"]["CheckoutLine"][];
            /** @description The sum of quantity × unitPrice over the lines; never more than an order may total */
            total: components["schemas"]["Money"];
            /** Format: date-time */
            lockedAt: string;
        };
        CartCheckout: {
            checkoutId: components["schemas"]["CheckoutId"];
            customerId: components["schemas"]["CustomerId"];
            /** @enum {string} */
            status: "locked" | "released" | "completed";
            /** Format: date-time */
            updatedAt: string;
        };
        FieldError: {
            /** @example body.quantity */
            field: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @example cart-locked */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
        /** @description The price of one unit, in the currency's minor units (cents) */
        UnitPrice: number;
    };
    responses: {
        /** @description No access token, or an invalid or expired one */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller's roles do not allow this, or it is another customer's cart */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request is malformed or a field is invalid; `errors` names each field. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `product-not-found`: the catalog has no product with this SKU. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request conflicts with the cart's state. `type` says how:
         *     `cart-locked` (a checkout holds the cart; `checkoutId` names it),
         *     `checkout-released`, `checkout-not-locked`, `checkout-mismatch`.
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is over the size limit */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Well-formed but refused: `product-unavailable` (no longer sold, or not
         *     in the cart's currency; `skus` lists them), `currency-mismatch`,
         *     `cart-full` (50 different SKUs at most), `cart-empty`,
         *     `cart-total-too-large` (the cart would total more than one order may:
         *     100,000,000 minor units; `errors` names the field, `maxTotal` says the
         *     limit).
         */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `catalog-unavailable`: the catalog could not be reached in time; try
         *     again. `cart-busy`: the cart kept changing while it was being priced.
         */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        CustomerId: components["schemas"]["CustomerId"];
        Sku: components["schemas"]["Sku"];
        CheckoutId: components["schemas"]["CheckoutId"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getCart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    emptyCart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The empty cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
        };
    };
    setItemQuantity: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetQuantityRequest"];
            };
        };
        responses: {
            /** @description The cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    removeItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cart"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
        };
    };
    lockCart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LockCartRequest"];
            };
        };
        responses: {
            /** @description The snapshot to charge */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutSnapshot"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
            503: components["responses"]["Unavailable"];
        };
    };
    releaseCart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Where this checkout stands with the cart */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CartCheckout"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
        };
    };
    completeCart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: components["parameters"]["CustomerId"];
                checkoutId: components["parameters"]["CheckoutId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The checkout, completed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CartCheckout"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
        };
    };
}
