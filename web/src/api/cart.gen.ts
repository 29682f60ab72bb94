/**
 * Generated from openapi/cart.yaml as the gateway routes it by openapi-typescript (npm run gen:web). Do not edit.
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
        /**
         * @description `request-head-too-large`: the request line and headers are over 16 KB
         *     together (a URL too long, say), refused before the request is read.
         *     Every operation can answer it; each service adds it to every operation
         *     of the spec it serves.
         */
        RequestHeadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @constant */
                    type: "request-head-too-large";
                    title: string;
                    /** @constant */
                    status: 431;
                    detail?: string;
                };
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
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
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
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
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
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            503: components["responses"]["Unavailable"];
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
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
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
